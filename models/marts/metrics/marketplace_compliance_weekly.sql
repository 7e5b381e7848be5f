{#
    Marketplace and social-channel compliance per ISO week: one row per week and marketplace,
    a marketplace being a ticket channel flagged is_marketplace or is_social in seeds/channels.csv
    (amazon, ebay, facebook, instagram, ...) or a review marketplace (fct_reviews). From
    kpi_scorecard (week grain):
      - 24 h reply compliance: tickets of the week answered within 24 h (response_rate_24h,
        target in seeds/metric_targets.csv: >= 90 %)
      - Facebook "very responsive" badge (docs/metrics.md, 003): response_rate_7d >= 90 % and a mean
        first response <= 5 minutes over the trailing 7 days (for a complete ISO week, the week
        itself); vars very_responsive_min_rate_pct and very_responsive_max_minutes. Computed for
        every channel, awarded by Facebook only.
      - review feedback of the marketplace (positive / negative rates)
      - account-level order health of the week (order defect rate < 1 %, cancellation < 1 %,
        on-time shipment >= 99 %): orders carry no marketplace, so these `account_` columns are
        the seller's totals, repeated on each marketplace row of the week.
#}

{%- set min_rate = var('very_responsive_min_rate_pct', 90) %}
{%- set max_minutes = var('very_responsive_max_minutes', 5) %}

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
    where period_grain = 'week'
),

channels as (
    select * from {{ ref('channels') }}
),

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

channel_weeks as (
    select
        scorecard.period_start as week_start,
        scorecard.dimension_value as marketplace,
        {{ metric_pivot_columns([
            ['tickets_created', 'tickets_created', 'value'],
            ['answered_within_24h_tickets', 'response_rate_24h', 'numerator'],
            ['response_rate_24h_tickets', 'response_rate_24h', 'denominator'],
            ['response_rate_24h', 'response_rate_24h', 'value'],
            ['meets_24h_reply_target', 'response_rate_24h', 'meets_target'],
            ['response_rate_7d', 'response_rate_7d', 'value'],
            ['first_response_minutes_mean', 'first_response_minutes_mean', 'value'],
            ['first_response_minutes_median', 'first_response_minutes_median', 'value'],
        ]) }}
    from scorecard
    inner join channels
        on scorecard.dimension_value = channels.channel
    where
        scorecard.dimension = 'channel'
        and (channels.is_marketplace or channels.is_social)
    group by
        scorecard.period_start,
        scorecard.dimension_value
),

review_weeks as (
    select
        scorecard.period_start as week_start,
        scorecard.dimension_value as marketplace,
        {{ metric_pivot_columns([
            ['reviews', 'positive_feedback_rate', 'denominator'],
            ['positive_feedback_rate', 'positive_feedback_rate', 'value'],
            ['negative_feedback_rate', 'negative_feedback_rate', 'value'],
            ['meets_negative_feedback_target', 'negative_feedback_rate', 'meets_target'],
        ]) }}
    from scorecard
    where scorecard.dimension = 'marketplace'
    group by
        scorecard.period_start,
        scorecard.dimension_value
),

account_weeks as (
    select
        scorecard.period_start as week_start,
        {{ metric_pivot_columns([
            ['account_orders', 'order_defect_rate', 'denominator'],
            ['account_order_defect_rate', 'order_defect_rate', 'value'],
            ['account_meets_order_defect_target', 'order_defect_rate', 'meets_target'],
            ['account_cancellation_rate', 'cancellation_rate', 'value'],
            ['account_meets_cancellation_target', 'cancellation_rate', 'meets_target'],
            ['account_on_time_shipment_rate', 'on_time_shipment_rate', 'value'],
            ['account_meets_on_time_shipment_target', 'on_time_shipment_rate', 'meets_target'],
        ]) }}
    from scorecard
    where scorecard.dimension = 'all'
    group by scorecard.period_start
),

spine as (
    select
        week_start,
        marketplace
    from channel_weeks
    union
    select
        week_start,
        marketplace
    from review_weeks
),

final as (
    select
        spine.week_start,
        cast({{ dbt.dateadd('day', 6, 'spine.week_start') }} as date) as week_end,
        coalesce(cast({{ dbt.dateadd('day', 6, 'spine.week_start') }} as date) <= watermark.as_of_date, false)
            as is_complete_week,
        spine.marketplace,
        channels.channel_group,
        channels.channel is not null as is_ticket_channel,
        coalesce(channel_weeks.tickets_created, 0) as tickets_created,
        channel_weeks.answered_within_24h_tickets,
        channel_weeks.response_rate_24h_tickets,
        channel_weeks.response_rate_24h,
        channel_weeks.meets_24h_reply_target,
        channel_weeks.response_rate_7d,
        channel_weeks.first_response_minutes_mean,
        channel_weeks.first_response_minutes_median,
        coalesce(
            channel_weeks.response_rate_7d >= {{ min_rate }}
            and channel_weeks.first_response_minutes_mean <= {{ max_minutes }},
            false
        ) as is_very_responsive_eligible,
        coalesce(review_weeks.reviews, 0) as reviews,
        review_weeks.positive_feedback_rate,
        review_weeks.negative_feedback_rate,
        review_weeks.meets_negative_feedback_target,
        account_weeks.account_orders,
        account_weeks.account_order_defect_rate,
        account_weeks.account_meets_order_defect_target,
        account_weeks.account_cancellation_rate,
        account_weeks.account_meets_cancellation_target,
        account_weeks.account_on_time_shipment_rate,
        account_weeks.account_meets_on_time_shipment_target
    from spine
    cross join watermark
    left join channels
        on spine.marketplace = channels.channel
    left join channel_weeks
        on
            spine.week_start = channel_weeks.week_start
            and spine.marketplace = channel_weeks.marketplace
    left join review_weeks
        on
            spine.week_start = review_weeks.week_start
            and spine.marketplace = review_weeks.marketplace
    left join account_weeks
        on spine.week_start = account_weeks.week_start
)

select * from final

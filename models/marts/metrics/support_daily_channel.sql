{#
    Support per day and channel (the daily operations dashboard): one row per reporting-timezone
    day and channel with any ticket, call or backlog data. Every number is the channel's
    kpi_scorecard value for that day (dimension 'channel'), pivoted, so the dashboard and the
    scorecard never disagree; the backlog is also split by age bucket (fct_backlog_daily).
    Ratios keep their numerator and denominator so a BI tool can total channels or days; totals
    of medians and p90 are in kpi_scorecard (dimension 'all').
#}

{%- set value_metrics = [
    'tickets_created', 'tickets_solved', 'messages_inbound', 'messages_outbound',
    'conversations_total', 'unanswered_tickets',
    'first_response_minutes_mean', 'first_response_minutes_median', 'first_response_minutes_p90',
    'first_response_business_minutes_median',
    'resolution_minutes_mean', 'resolution_minutes_median', 'resolution_minutes_p90',
    'sla_first_response_compliance', 'sla_breaches', 'response_rate_24h', 'response_rate_7d',
    'first_contact_resolution_rate', 'reopen_rate', 'resolution_rate', 'interactions_per_ticket',
    'csat_score', 'average_wait_seconds', 'answered_call_rate', 'call_service_level',
    'average_handle_seconds', 'active_tickets', 'backlog_open', 'backlog_overdue',
] %}
{%- set part_columns = [
    ['tickets_answered', 'first_response_minutes_mean', 'denominator'],
    ['sla_met_tickets', 'sla_first_response_compliance', 'numerator'],
    ['sla_due_tickets', 'sla_first_response_compliance', 'denominator'],
    ['answered_within_24h_tickets', 'response_rate_24h', 'numerator'],
    ['response_rate_24h_tickets', 'response_rate_24h', 'denominator'],
    ['fcr_tickets', 'first_contact_resolution_rate', 'numerator'],
    ['reopened_tickets', 'reopen_rate', 'numerator'],
    ['csat_satisfied_answers', 'csat_score', 'numerator'],
    ['csat_answers', 'csat_score', 'denominator'],
    ['calls_offered', 'answered_call_rate', 'denominator'],
    ['calls_answered', 'answered_call_rate', 'numerator'],
] %}
{#- fct_backlog_daily.age_bucket values and their columns #}
{%- set age_buckets = [
    ('0-1d', 'backlog_age_0_1d'),
    ('1-3d', 'backlog_age_1_3d'),
    ('3-7d', 'backlog_age_3_7d'),
    ('7-14d', 'backlog_age_7_14d'),
    ('14-30d', 'backlog_age_14_30d'),
    ('30d+', 'backlog_age_30d_plus'),
] %}

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
    where dimension = 'channel' and period_grain = 'day'
),

backlog as (
    select * from {{ ref('fct_backlog_daily') }}
),

channels as (
    select * from {{ ref('channels') }}
),

daily_metrics as (
    {{ metric_daily_pivot(metric_value_columns(value_metrics) + part_columns, 'channel') }}
),

backlog_ages as (
    select
        backlog.snapshot_date as date_day,
        coalesce(backlog.channel, '(unknown)') as channel,
        {%- for bucket, column in age_buckets %}
        {{ metric_count_where("backlog.age_bucket = '" ~ bucket ~ "'") }} as {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from backlog
    group by
        backlog.snapshot_date,
        coalesce(backlog.channel, '(unknown)')
),

final as (
    select
        daily_metrics.date_day,
        daily_metrics.channel,
        channels.channel_group,
        {%- for metric_id in value_metrics %}
        daily_metrics.{{ metric_id }},
        {%- endfor %}
        {%- for column in part_columns %}
        daily_metrics.{{ column[0] }},
        {%- endfor %}
        {%- for bucket, column in age_buckets %}
        coalesce(backlog_ages.{{ column }}, 0) as {{ column }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from daily_metrics
    left join backlog_ages
        on
            daily_metrics.date_day = backlog_ages.date_day
            and daily_metrics.channel = backlog_ages.channel
    left join channels
        on daily_metrics.channel = channels.channel
)

select * from final

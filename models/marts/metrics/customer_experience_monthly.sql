{#
    Customer experience per month (reporting timezone): surveys (CSAT, NPS, CES, response rate),
    marketplace feedback, churn, purchase behaviour and order health, each the month's
    kpi_scorecard value for dimension 'all' with its numerator, denominator and, where
    seeds/metric_targets.csv has one, whether it met the target. Churn also for the quarter and
    the year the month belongs to (int_metric_periods__customers over int_churn_periods_counted,
    the one source of churn for every grain; a running quarter or year is
    measured to date, see is_quarter_complete / is_year_complete). One row per month with any of
    these metrics (churn reaches back to the first customers).
#}

{%- set metrics = [
    'csat_score', 'nps', 'ces_score', 'survey_response_rate',
    'positive_feedback_rate', 'negative_feedback_rate',
    'churn_rate', 'repeat_purchase_rate', 'cross_sell_rate', 'upsell_rate',
    'repeat_sales_orders', 'repeat_sales_amount', 'repeat_sales_order_share', 'repeat_sales_amount_share',
    'order_defect_rate', 'cancellation_rate', 'on_time_shipment_rate',
] %}
{%- set with_parts = [
    'csat_score', 'nps', 'ces_score', 'survey_response_rate',
    'positive_feedback_rate', 'negative_feedback_rate',
    'churn_rate', 'repeat_purchase_rate', 'cross_sell_rate', 'upsell_rate',
    'order_defect_rate', 'cancellation_rate', 'on_time_shipment_rate',
] %}
{%- set with_targets = [
    'csat_score', 'nps', 'ces_score', 'positive_feedback_rate', 'negative_feedback_rate',
    'order_defect_rate', 'cancellation_rate', 'on_time_shipment_rate',
] %}

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
    where
        period_grain = 'month'
        and dimension = 'all'
        and metric_id in ('{{ metrics | join("', '") }}')
),

customer_periods as (
    select * from {{ ref('int_metric_periods__customers') }}
    where
        metric_id = 'churn_rate'
        and dimension = 'all'
        and period_grain in ('quarter', 'year')
),

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

monthly as (
    select
        scorecard.period_start as month_start,
        {{ metric_pivot_columns(
            metric_value_columns(metrics)
            + metric_value_columns(with_parts, 'numerator', '_numerator')
            + metric_value_columns(with_parts, 'denominator', '_denominator')
            + metric_value_columns(with_targets, 'meets_target', '_meets_target')
        ) }}
    from scorecard
    group by scorecard.period_start
),

longer_churn as (
    select
        period_grain,
        period_start,
        numerator as customers_churned,
        denominator as customers_active_at_start,
        {{ metric_ratio('numerator', 'denominator', 100) }} as churn_rate
    from customer_periods
),

final as (
    select
        monthly.month_start,
        cast({{ dbt.date_trunc('quarter', 'monthly.month_start') }} as date) as quarter_start,
        cast({{ dbt.date_trunc('year', 'monthly.month_start') }} as date) as year_start,
        {%- for metric_id in metrics %}
        monthly.{{ metric_id }},
        {%- if metric_id in with_parts %}
        monthly.{{ metric_id }}_numerator,
        monthly.{{ metric_id }}_denominator,
        {%- endif %}
        {%- if metric_id in with_targets %}
        monthly.{{ metric_id }}_meets_target,
        {%- endif %}
        {%- endfor %}
        quarter_churn.churn_rate as churn_rate_quarter,
        quarter_churn.customers_churned as customers_churned_quarter,
        quarter_churn.customers_active_at_start as customers_active_at_quarter_start,
        year_churn.churn_rate as churn_rate_year,
        year_churn.customers_churned as customers_churned_year,
        year_churn.customers_active_at_start as customers_active_at_year_start,
        coalesce(
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'monthly.month_start')) }} as date)
            <= watermark.as_of_date,
            false
        ) as is_month_complete,
        coalesce(
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, dbt.date_trunc('quarter', 'monthly.month_start'))) }} as date)
            <= watermark.as_of_date,
            false
        ) as is_quarter_complete,
        coalesce(
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, dbt.date_trunc('year', 'monthly.month_start'))) }} as date)
            <= watermark.as_of_date,
            false
        ) as is_year_complete
    from monthly
    cross join watermark
    left join longer_churn as quarter_churn
        on
            quarter_churn.period_grain = 'quarter'
            and cast({{ dbt.date_trunc('quarter', 'monthly.month_start') }} as date) = quarter_churn.period_start
    left join longer_churn as year_churn
        on
            year_churn.period_grain = 'year'
            and cast({{ dbt.date_trunc('year', 'monthly.month_start') }} as date) = year_churn.period_start
)

select * from final

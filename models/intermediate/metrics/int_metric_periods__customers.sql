{#
    Customer metrics whose population depends on the period (catalog aggregation
    'customer_period'), with the formulas of macros/metrics/: churn_rate from
    int_churn_periods_counted (day, week, month, quarter, year: customers active at period start
    and churned in it, counted per tier), repeat_purchase_rate, cross_sell_rate and upsell_rate
    from int_customer_order_periods (day, week, month: one row per customer who ordered).
    Customers add up, so numerator and denominator are summed over tiers. kpi_scorecard keeps the
    grains the catalog lists; customer_experience_monthly also reads quarter and year churn.
#}

with

churn_periods as (
    select * from {{ ref('int_churn_periods_counted') }}
),

order_periods as (
    select * from {{ ref('int_customer_order_periods') }}
),

catalog_dimensions as (
    select * from {{ ref('int_metric_catalog_dimensions') }}
),

churn_rows as (
    {{ metric_cube('churn_periods', 'period_start', ['churn_rate'],
        dimensions={'customer_tier': 'customer_tier'}, keys=['period_grain']) }}
),

purchase_rows as (
    {{ metric_cube('order_periods', 'period_start', ['repeat_purchase_rate', 'cross_sell_rate', 'upsell_rate'],
        dimensions={'customer_tier': 'customer_tier'}, keys=['period_grain']) }}
),

metric_rows as (
    select
        *,
        observation_date as period_start
    from churn_rows
    union all
    select
        *,
        observation_date as period_start
    from purchase_rows
),

final as (
    {{ aggregate_metric_observations('metric_rows', 'catalog_dimensions') }}
)

select * from final

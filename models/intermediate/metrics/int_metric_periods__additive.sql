{{ config(materialized='table') }}

{#
    Flow metrics (catalog aggregation 'additive': counts, sums and ratios of sums) per day, ISO
    week and month: the daily sums rolled up by the same macro that made them.
#}

with

daily as (
    select * from {{ ref('int_metric_daily') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

additive_days as (
    select daily.*
    from daily
    inner join catalog
        on daily.metric_id = catalog.metric_id
    where catalog.aggregation = 'additive'
),

periods as (
    {{ aggregate_metric_observations('additive_days', grains=['day', 'week', 'month']) }}
),

final as (
    select
        metric_id,
        period_grain,
        period_start,
        dimension,
        dimension_value,
        numerator,
        denominator
    from periods
)

select * from final

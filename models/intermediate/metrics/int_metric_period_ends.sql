{#
    For level and trailing-window metrics (catalog aggregation 'snapshot' and 'rolling_7d'): each
    day, ISO week and month with data, its last day, and the day it is read on (`as_of_date`):
    the period's last day, or the data's as-of date (int_ticket_extracts_watermarked) while the
    period is still running.
#}

{%- set grains = ['day', 'week', 'month'] %}

with

daily as (
    select * from {{ ref('int_metric_daily') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

metric_days as (
    select distinct
        daily.metric_id,
        catalog.aggregation,
        daily.observation_date
    from daily
    inner join catalog
        on daily.metric_id = catalog.metric_id
    where
        catalog.aggregation in ('snapshot', 'rolling_7d')
        and daily.dimension = 'all'
),

periods as (
    select distinct
        metric_days.metric_id,
        metric_days.aggregation,
        metric_grains.period_grain,
        {{ metric_period_start_case('metric_grains.period_grain', 'metric_days.observation_date', grains) }}
            as period_start
    from metric_days
    cross join {{ metric_grains_relation(grains) }} as metric_grains
),

bounded as (
    select
        periods.metric_id,
        periods.aggregation,
        periods.period_grain,
        periods.period_start,
        {{ metric_period_end_case('periods.period_grain', 'periods.period_start', grains) }} as period_end,
        watermark.as_of_date as data_as_of_date
    from periods
    cross join watermark
),

final as (
    select
        metric_id,
        aggregation,
        period_grain,
        period_start,
        period_end,
        case
            when data_as_of_date < period_end then data_as_of_date
            else period_end
        end as as_of_date,
        coalesce(data_as_of_date >= period_end, false) as is_period_complete
    from bounded
)

select * from final

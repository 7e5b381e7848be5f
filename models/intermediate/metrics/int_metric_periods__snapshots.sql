{#
    Level metrics (catalog aggregation 'snapshot': active_tickets, backlog_open, backlog_overdue)
    per day, ISO week and month: the count of the period's end-of-day snapshot on its as-of day
    (last day, or the latest day while the period runs). Numerator = the count, denominator null.
#}

with

daily as (
    select * from {{ ref('int_metric_daily') }}
),

period_ends as (
    select * from {{ ref('int_metric_period_ends') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

snapshot_days as (
    select daily.*
    from daily
    inner join catalog
        on daily.metric_id = catalog.metric_id
    where catalog.aggregation = 'snapshot'
),

final as (
    select
        period_ends.metric_id,
        period_ends.period_grain,
        period_ends.period_start,
        snapshot_days.dimension,
        snapshot_days.dimension_value,
        snapshot_days.numerator,
        cast(null as double) as denominator
    from period_ends
    inner join snapshot_days
        on
            period_ends.metric_id = snapshot_days.metric_id
            and period_ends.as_of_date = snapshot_days.observation_date
)

select * from final

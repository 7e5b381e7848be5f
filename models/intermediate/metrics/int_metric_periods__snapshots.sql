{#
    Level metrics (catalog aggregation 'snapshot': active_tickets, backlog_open, backlog_overdue)
    per day, ISO week and month: the count of the period's end-of-day snapshot on its as-of day
    (last day, or the latest day while the period runs). Numerator = the count, denominator null.
#}

with

snapshot_period_ends as (
    select * from {{ ref('int_metric_period_ends') }}
    where aggregation = 'snapshot'
),

daily as (
    select * from {{ ref('int_metric_daily') }}
),

final as (
    select
        snapshot_period_ends.metric_id,
        snapshot_period_ends.period_grain,
        snapshot_period_ends.period_start,
        daily.dimension,
        daily.dimension_value,
        daily.numerator,
        cast(null as double) as denominator
    from snapshot_period_ends
    inner join daily
        on
            snapshot_period_ends.metric_id = daily.metric_id
            and snapshot_period_ends.as_of_date = daily.observation_date
)

select * from final

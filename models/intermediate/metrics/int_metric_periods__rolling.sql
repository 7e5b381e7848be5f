{#
    Trailing-window metrics (catalog aggregation 'rolling_7d': response_rate_7d) per day, ISO week
    and month: the daily sums of the 7 days ending on the period's as-of day (a day's value is its
    own trailing week; a week's is the week itself once complete; a month's is its last 7 days).
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

rolling_days as (
    select daily.*
    from daily
    inner join catalog
        on daily.metric_id = catalog.metric_id
    where catalog.aggregation = 'rolling_7d'
),

windowed as (
    select
        period_ends.metric_id,
        period_ends.period_grain,
        period_ends.period_start,
        rolling_days.dimension,
        rolling_days.dimension_value,
        rolling_days.numerator,
        rolling_days.denominator
    from period_ends
    inner join rolling_days
        on
            period_ends.metric_id = rolling_days.metric_id
            and period_ends.as_of_date >= rolling_days.observation_date
            and {{ dbt.dateadd('day', -7, 'period_ends.as_of_date') }} < rolling_days.observation_date
),

final as (
    select
        metric_id,
        period_grain,
        period_start,
        dimension,
        dimension_value,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from windowed
    group by
        metric_id,
        period_grain,
        period_start,
        dimension,
        dimension_value
)

select * from final

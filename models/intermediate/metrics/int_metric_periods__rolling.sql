{#
    Trailing-window metrics (catalog aggregation 'rolling_7d': response_rate_7d) per day, ISO week
    and month: the daily sums of the 7 days ending on the period's as-of day (a day's value is its
    own trailing week; a week's is the week itself once complete; a month's is its last 7 days).
#}

with

rolling_period_ends as (
    select * from {{ ref('int_metric_period_ends') }}
    where aggregation = 'rolling_7d'
),

daily as (
    select * from {{ ref('int_metric_daily') }}
),

windowed as (
    select
        rolling_period_ends.metric_id,
        rolling_period_ends.period_grain,
        rolling_period_ends.period_start,
        daily.dimension,
        daily.dimension_value,
        daily.numerator,
        daily.denominator
    from rolling_period_ends
    inner join daily
        on
            rolling_period_ends.metric_id = daily.metric_id
            and rolling_period_ends.as_of_date >= daily.observation_date
            and {{ dbt.dateadd('day', -7, 'rolling_period_ends.as_of_date') }} < daily.observation_date
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

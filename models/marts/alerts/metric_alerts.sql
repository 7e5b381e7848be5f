{#
    Metrics of the last complete day and ISO week (dimension 'all') that missed their target or
    moved beyond their normal range. The normal range of a period is mean +/- k standard
    deviations of the same metric on the same weekday of the previous weeks (for a week: the
    previous weeks), vars alert_baseline_weeks, alert_range_stddevs, alert_min_baseline_periods.
    A day is complete once the data's as-of date reaches it (as in int_metric_period_ends).
#}

{%- set baseline_weeks = var('alert_baseline_weeks') | int %}

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
    where dimension = 'all'
),

metrics as (
    select * from {{ ref('dim_metrics') }}
),

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

as_of_week as (
    select
        as_of_date,
        {{ metric_period_start('week', 'as_of_date') }} as week_start
    from watermark
),

alert_periods as (
    select
        'day' as period_grain,
        as_of_date as period_start,
        as_of_date
    from as_of_week
    union all
    select
        'week' as period_grain,
        case
            when {{ metric_period_end('week', 'week_start') }} <= as_of_date then week_start
            else cast({{ dbt.dateadd('day', -7, 'week_start') }} as date)
        end as period_start,
        as_of_date
    from as_of_week
),

current_values as (
    select
        scorecard.metric_id,
        scorecard.period_grain,
        scorecard.period_start,
        alert_periods.as_of_date,
        scorecard.value,
        scorecard.numerator,
        scorecard.denominator,
        scorecard.meets_target
    from scorecard
    inner join alert_periods
        on
            scorecard.period_grain = alert_periods.period_grain
            and scorecard.period_start = alert_periods.period_start
    where scorecard.value is not null
),

-- Same weekday of each of the previous weeks (a day), or the previous weeks (a week).
baseline_values as (
    select
        current_values.metric_id,
        current_values.period_grain,
        current_values.period_start,
        history.value
    from current_values
    inner join scorecard as history
        on
            current_values.metric_id = history.metric_id
            and current_values.period_grain = history.period_grain
            and history.period_start in (
                {%- for week in range(1, baseline_weeks + 1) %}
                cast({{ dbt.dateadd('day', -7 * week, 'current_values.period_start') }} as date)
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            )
    where history.value is not null
),

baselines as (
    select
        metric_id,
        period_grain,
        period_start,
        count(*) as baseline_periods,
        avg(value) as baseline_mean,
        stddev_samp(value) as baseline_stddev
    from baseline_values
    group by metric_id, period_grain, period_start
),

ranged as (
    select
        current_values.*,
        baselines.baseline_periods,
        baselines.baseline_mean,
        baselines.baseline_stddev,
        case
            when baselines.baseline_periods >= {{ var('alert_min_baseline_periods') }}
                then baselines.baseline_mean - {{ var('alert_range_stddevs') }} * baselines.baseline_stddev
        end as range_low,
        case
            when baselines.baseline_periods >= {{ var('alert_min_baseline_periods') }}
                then baselines.baseline_mean + {{ var('alert_range_stddevs') }} * baselines.baseline_stddev
        end as range_high
    from current_values
    left join baselines
        on
            current_values.metric_id = baselines.metric_id
            and current_values.period_grain = baselines.period_grain
            and current_values.period_start = baselines.period_start
),

-- One row per alert: a period can both miss its target and leave its range.
triggered as (
    select
        ranged.*,
        'missed_target' as alert_type
    from ranged
    where not ranged.meets_target
    union all
    select
        ranged.*,
        case when ranged.value > ranged.range_high then 'above_normal_range' else 'below_normal_range' end as alert_type
    from ranged
    where ranged.value > ranged.range_high or ranged.value < ranged.range_low
),

final as (
    select
        {{ dbt.concat([
            'triggered.metric_id', "'|'", 'triggered.period_grain', "'|'",
            'cast(triggered.period_start as ' ~ dbt.type_string() ~ ')', "'|'", 'triggered.alert_type'
        ]) }} as alert_id,
        triggered.metric_id,
        metrics.metric_name,
        metrics.category,
        metrics.unit,
        triggered.period_grain,
        triggered.period_start,
        {{ metric_period_end_case('triggered.period_grain', 'triggered.period_start', ['day', 'week']) }} as period_end,
        triggered.as_of_date,
        triggered.alert_type,
        triggered.value,
        triggered.numerator,
        triggered.denominator,
        metrics.target_direction,
        metrics.target_value,
        metrics.target_min,
        metrics.target_max,
        triggered.baseline_periods,
        triggered.baseline_mean,
        triggered.baseline_stddev,
        triggered.range_low,
        triggered.range_high
    from triggered
    inner join metrics
        on triggered.metric_id = metrics.metric_id
)

select * from final

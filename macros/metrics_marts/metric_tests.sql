{#
    Generic data tests of the metric marts (issue 5). Signatures:

      metric_cuts_add_up(model, catalog, tolerance=1e-6)
          For every metric whose catalog value_type is count, percentage or ratio and whose
          aggregation is not 'share' (shares divide by the period total, not by the part's own
          population): in each period, summing numerator and denominator over the values of any
          dimension gives the 'all' row's numerator and denominator, and the 'all' value equals
          metric_value(sum(numerator), sum(denominator)). Fails with one row per mismatch.
      metric_grains_add_up(model, catalog, tolerance=1e-6)
          For every 'additive' metric, dimension 'all': the week and month numerator and
          denominator are the sums of their days (consistency across grains).
#}

{% test metric_cuts_add_up(model, catalog, tolerance=0.000001) %}

with

scorecard as (
    select * from {{ model }}
),

catalog as (
    select * from {{ catalog }}
    where
        value_type in ('count', 'percentage', 'ratio')
        and aggregation <> 'share'
),

cut_totals as (
    select
        scorecard.metric_id,
        catalog.value_type,
        scorecard.period_grain,
        scorecard.period_start,
        scorecard.dimension,
        sum(scorecard.numerator) as numerator,
        sum(scorecard.denominator) as denominator
    from scorecard
    inner join catalog
        on scorecard.metric_id = catalog.metric_id
    where scorecard.dimension <> 'all'
    group by
        scorecard.metric_id,
        catalog.value_type,
        scorecard.period_grain,
        scorecard.period_start,
        scorecard.dimension
),

overall as (
    select * from scorecard
    where dimension = 'all'
),

compared as (
    select
        cut_totals.metric_id,
        cut_totals.period_grain,
        cut_totals.period_start,
        cut_totals.dimension,
        overall.numerator as all_numerator,
        cut_totals.numerator as cut_numerator,
        overall.denominator as all_denominator,
        cut_totals.denominator as cut_denominator,
        overall.value as all_value,
        {{ support_warehouse.metric_value('cut_totals.value_type', 'cut_totals.numerator', 'cut_totals.denominator', 'null') }}
            as value_from_cut
    from cut_totals
    left join overall
        on
            cut_totals.metric_id = overall.metric_id
            and cut_totals.period_grain = overall.period_grain
            and cut_totals.period_start = overall.period_start
)

select *
from compared
where
    all_numerator is null and cut_numerator is not null
    or abs(coalesce(all_numerator, 0) - coalesce(cut_numerator, 0))
    > {{ tolerance }} * (1 + abs(coalesce(all_numerator, 0)))
    or abs(coalesce(all_denominator, 0) - coalesce(cut_denominator, 0))
    > {{ tolerance }} * (1 + abs(coalesce(all_denominator, 0)))
    or (all_value is null) <> (value_from_cut is null)
    or abs(all_value - value_from_cut) > {{ tolerance }} * (1 + abs(all_value))

{% endtest %}

{% test metric_grains_add_up(model, catalog, tolerance=0.000001) %}

with

scorecard as (
    select * from {{ model }}
    where dimension = 'all'
),

catalog as (
    select * from {{ catalog }}
    where aggregation = 'additive'
),

days as (
    select scorecard.*
    from scorecard
    inner join catalog
        on scorecard.metric_id = catalog.metric_id
    where scorecard.period_grain = 'day'
),

rolled as (
    {%- for grain in ['week', 'month'] %}
    select
        metric_id,
        '{{ grain }}' as period_grain,
        {{ support_warehouse.metric_period_start(grain, 'period_start') }} as period_start,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from days
    group by
        metric_id,
        {{ support_warehouse.metric_period_start(grain, 'period_start') }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

compared as (
    select
        rolled.metric_id,
        rolled.period_grain,
        rolled.period_start,
        rolled.numerator as days_numerator,
        scorecard.numerator as period_numerator,
        rolled.denominator as days_denominator,
        scorecard.denominator as period_denominator
    from rolled
    left join scorecard
        on
            rolled.metric_id = scorecard.metric_id
            and rolled.period_grain = scorecard.period_grain
            and rolled.period_start = scorecard.period_start
)

select *
from compared
where
    abs(coalesce(days_numerator, 0) - coalesce(period_numerator, 0))
    > {{ tolerance }} * (1 + abs(coalesce(days_numerator, 0)))
    or abs(coalesce(days_denominator, 0) - coalesce(period_denominator, 0))
    > {{ tolerance }} * (1 + abs(coalesce(days_denominator, 0)))

{% endtest %}

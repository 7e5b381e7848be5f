{#
    The long scorecard (docs/marts_contract.md): one row per metric, period (day, ISO week, month) and dimension
    value with data. Each aggregation path of the catalog produces numerator and denominator;
    the value follows from them by the metric's value_type (macro metric_value), so BI tools can
    re-aggregate ratios as sum(numerator) / sum(denominator). A target is judged only on a
    sample of at least the seed's min_sample (docs/metrics.md, "Targets").
#}

{%- set paths = [
    'int_metric_periods__additive',
    'int_metric_periods__snapshots',
    'int_metric_periods__rolling',
    'int_metric_periods__shares',
    'int_metric_periods__agents',
    'int_metric_periods__customers',
] %}

with

{% for path in paths %}
{{ path | replace('int_metric_periods__', '') }} as (
    select * from {{ ref(path) }}
),

{% endfor -%}

percentiles as (
    select * from {{ ref('int_metric_periods__percentiles') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

targets as (
    select * from {{ ref('metric_targets') }}
),

unioned as (
    {%- for path in paths %}
    select
        metric_id,
        period_grain,
        period_start,
        dimension,
        dimension_value,
        numerator,
        denominator,
        cast(null as double) as percentile_value
    from {{ path | replace('int_metric_periods__', '') }}
    union all
    {%- endfor %}
    select
        metric_id,
        period_grain,
        period_start,
        dimension,
        dimension_value,
        numerator,
        denominator,
        percentile_value
    from percentiles
),

valued as (
    select
        unioned.metric_id,
        unioned.period_grain,
        cast(unioned.period_start as date) as period_start,
        unioned.dimension,
        unioned.dimension_value,
        {{ metric_value('catalog.value_type', 'unioned.numerator', 'unioned.denominator', 'unioned.percentile_value') }}
            as value,
        cast(unioned.numerator as double) as numerator,
        cast(unioned.denominator as double) as denominator
    from unioned
    inner join catalog
        on unioned.metric_id = catalog.metric_id
    where ' ' || catalog.grains || ' ' like '% ' || unioned.period_grain || ' %'
),

judged as (
    select
        valued.*,
        targets.direction,
        cast(coalesce(targets.target_value, targets.target_min) as double) as target,
        -- the denominator is the sample (answers, calls, tickets, orders, worked days)
        case
            when targets.direction is not null
                then coalesce(valued.denominator < targets.min_sample, false)
        end as is_small_sample,
        {{ metric_meets_target(
            'valued.value',
            'targets.direction',
            'targets.target_value',
            'targets.target_min',
            'targets.target_max'
        ) }} as value_meets_target
    from valued
    left join targets
        on valued.metric_id = targets.metric_id
),

final as (
    select
        metric_id,
        period_grain,
        period_start,
        dimension,
        dimension_value,
        value,
        numerator,
        denominator,
        target,
        case when not is_small_sample then value_meets_target end as meets_target,
        is_small_sample,
        case
            when direction is null then 'no_target'
            when value is null then 'no_value'
            when is_small_sample then 'small_sample'
            when value_meets_target then 'met'
            else 'missed'
        end as target_status
    from judged
)

select * from final

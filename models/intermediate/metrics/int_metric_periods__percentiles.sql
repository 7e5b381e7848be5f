{#
    Percentile metrics (catalog aggregation 'percentile': *_median, *_p90) per day, ISO week and
    month: percentile_cont over the raw values of int_metric_measures, cut like their _mean metric
    (`derived_from`). Percentiles do not add up: numerator is null and denominator holds the
    number of values ranked (a sample size, not for re-aggregation).
#}

{%- set fractions = [0.5, 0.9] %}

with

measures as (
    select * from {{ ref('int_metric_measures') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

catalog_dimensions as (
    select * from {{ ref('int_metric_catalog_dimensions') }}
),

percentiles as (
    {{ aggregate_metric_percentiles('measures', 'catalog_dimensions', ['day', 'week', 'month'], fractions) }}
),

percentile_metrics as (
    select
        metric_id,
        derived_from,
        percentile
    from catalog
    where aggregation = 'percentile'
),

final as (
    select
        percentile_metrics.metric_id,
        percentiles.period_grain,
        percentiles.period_start,
        percentiles.dimension,
        percentiles.dimension_value,
        cast(null as double) as numerator,
        cast(percentiles.observation_count as double) as denominator,
        case
            {%- for fraction in fractions %}
            when round(percentile_metrics.percentile * 100) = {{ (fraction * 100) | round | int }}
                then percentiles.{{ metric_percentile_column(fraction) }}
            {%- endfor %}
        end as percentile_value
    from percentiles
    inner join percentile_metrics
        on percentiles.metric_id = percentile_metrics.derived_from
)

select * from final

{#
    The select of int_metric_periods__percentiles for some (dimension, grain) `parts`
    (metric_percentile_parts): percentile_cont over the raw values of `measures`
    (int_metric_measures), cut like their _mean metric, one row per percentile metric of
    `catalog` deriving from it. The model runs it once per part (table, then one insert per part)
    so that each statement's percentile states are freed before the next.
#}
{% macro metric_percentile_periods(measures, catalog, catalog_dimensions, parts, fractions=[0.5, 0.9]) -%}
with

measures as (
    select * from {{ measures }}
),

catalog as (
    select * from {{ catalog }}
),

catalog_dimensions as (
    select * from {{ catalog_dimensions }}
),

percentiles as (
    {{ support_warehouse.aggregate_metric_percentiles('measures', 'catalog_dimensions', none, fractions, parts=parts) }}
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
                then percentiles.{{ support_warehouse.metric_percentile_column(fraction) }}
            {%- endfor %}
        end as percentile_value
    from percentiles
    inner join percentile_metrics
        on percentiles.metric_id = percentile_metrics.derived_from
)

select * from final
{%- endmacro %}


{#
    Post-hooks of int_metric_periods__percentiles: one `insert into {{ this }}` per part, each a
    statement of its own. Plain insert ... select, portable to Spark.
#}
{% macro metric_percentile_inserts(parts) -%}
    {%- set inserts = [] -%}
    {%- for part in parts -%}
        {%- do inserts.append(
            "insert into {{ this }} {{ support_warehouse.metric_percentile_periods("
            ~ "ref('int_metric_measures'), ref('metric_catalog'), ref('int_metric_catalog_dimensions'), "
            ~ [part] ~ ") }}"
        ) -%}
    {%- endfor -%}
    {{ return(inserts) }}
{%- endmacro %}

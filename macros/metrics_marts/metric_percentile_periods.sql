{#
    The select of int_metric_periods__percentiles for some (dimension, grain) `parts`
    (metric_percentile_parts): percentile_cont over the raw values of `measures`
    (int_metric_measures), cut like their _mean metric, one row per percentile metric of
    `catalog` deriving from it. The model runs it once per part (table, then one insert per part)
    so that each statement's percentile states are freed before the next. `periods` and `built`:
    a night's periods only (aggregate_metric_percentiles).
#}
{% macro metric_percentile_periods(
    measures, catalog, catalog_dimensions, parts, fractions=[0.5, 0.9], periods=none, built=none
) -%}
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
    {{ support_warehouse.aggregate_metric_percentiles(
        'measures', 'catalog_dimensions', none, fractions, parts=parts, periods=periods, built=built
    ) }}
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
    The dimensions some percentile metric is cut by (its derived_from metric's cuts in
    int_metric_catalog_dimensions), in metric_percentile_parts order: only their parts can hold
    rows, the others would scan the measures for nothing. Read from the warehouse when the model
    runs, so a catalog seed that gains a percentile metric on another dimension gets its parts;
    every dimension while dbt parses or when the relations are not built yet (e.g. sqlfluff).
#}
{% macro metric_percentile_dimensions() -%}
    {%- set dimensions = ['all'] + (support_warehouse.metric_dimensions().keys() | list) -%}
    {%- if not execute -%}
        {{ return(dimensions) }}
    {%- endif -%}
    {%- set catalog = ref('metric_catalog') -%}
    {%- set catalog_dimensions = ref('int_metric_catalog_dimensions') -%}
    {%- if adapter.get_relation(catalog.database, catalog.schema, catalog.identifier) is none
        or adapter.get_relation(catalog_dimensions.database, catalog_dimensions.schema, catalog_dimensions.identifier) is none -%}
        {{ return(dimensions) }}
    {%- endif -%}
    {%- set query -%}
        select distinct metric_cuts.dimension
        from {{ catalog_dimensions }} as metric_cuts
        inner join {{ catalog }} as catalog
            on metric_cuts.metric_id = catalog.derived_from
        where catalog.aggregation = 'percentile'
    {%- endset -%}
    {%- set found = run_query(query).columns[0].values() | list -%}
    {{ return(dimensions | select('in', found) | list) }}
{%- endmacro %}


{#
    The parts int_metric_periods__percentiles computes: metric_percentile_parts over the
    dimensions that have percentile metrics. With none, the first part all the same, so that
    the table is created (empty) with its columns.
#}
{% macro metric_percentile_active_parts(grains) -%}
    {%- set parts = support_warehouse.metric_percentile_parts(grains, support_warehouse.metric_percentile_dimensions()) -%}
    {{ return(parts if parts else support_warehouse.metric_percentile_parts(grains)[:1]) }}
{%- endmacro %}


{#
    Post-hooks of int_metric_periods__percentiles: hook k inserts the k-th active part
    (metric_percentile_active_parts; the model's select holds part 0), each a statement of its
    own. dbt fixes the hooks when it parses, before the catalog can be read, so there is one hook
    per possible part and the hooks past the active parts render empty (dbt skips them).
    Plain insert ... select, portable to Spark. On a night each inserts its part's periods of
    the change set (the main statement deleted them); is_incremental() is already true here on
    the build that creates the table, so a part not in the table yet is inserted whole.
#}
{% macro metric_percentile_inserts(grains) -%}
    {%- set inserts = [] -%}
    {%- for index in range(1, support_warehouse.metric_percentile_parts(grains) | length) -%}
        {%- do inserts.append(
            "{{ support_warehouse.metric_percentile_insert(" ~ grains ~ ", " ~ index ~ ") }}"
        ) -%}
    {%- endfor -%}
    {{ return(inserts) }}
{%- endmacro %}

{% macro metric_percentile_insert(grains, index) -%}
    {%- set parts = support_warehouse.metric_percentile_active_parts(grains) -%}
    {%- if index < parts | length -%}
        insert into {{ this }} {{ support_warehouse.metric_percentile_periods(
            ref('int_metric_measures'), ref('metric_catalog'), ref('int_metric_catalog_dimensions'), [parts[index]],
            periods=ref('int_metric_ticket_periods_changed') if is_incremental() else none,
            built=this,
        ) }}
    {%- endif -%}
{%- endmacro %}

{#
    One row per metric and dimension it is cut by: the seed metric_catalog's space-separated
    `dimensions` list, exploded. Every metric path joins it, so the catalog alone decides which
    cuts the scorecard carries.
#}
{{ config(materialized=view_or_table_on_spark()) }}

with

catalog as (
    select * from {{ ref('metric_catalog') }}
),

{%- set dimensions = ['all'] + (metric_dimensions().keys() | list) %}

exploded as (
    {%- for dimension in dimensions %}
    select
        metric_id,
        '{{ dimension }}' as dimension
    from catalog
    where ' ' || dimensions || ' ' like '% {{ dimension }} %'
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        metric_id,
        dimension
    from exploded
)

select * from final

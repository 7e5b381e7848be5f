{#
    The `union all` of an int_*_unioned model: one select per source system, all in the shape
    of one column list, so the list is written once and each system states only where it
    differs. (dbt_utils.union_relations does this for relations; here the parts are CTEs of the
    calling model, which ref()s every relation itself.)
    `columns`: the output columns, in order.
    `parts`: one [cte, system, expressions] per system: `cte` is read, `system` is the value of
    column source_system, `expressions` maps an output column to the SQL giving it from `cte`;
    every other column is read under its own name.
#}
{% macro union_sources(columns, parts) -%}
    {%- for cte, system, expressions in parts -%}
    {%- if not loop.first %}
    union all
    {% endif -%}
    select
        {%- for column in columns %}
        {%- if column in expressions %}
        {{ expressions[column] }} as {{ column }}
        {%- elif column == 'source_system' %}
        '{{ system }}' as source_system
        {%- else %}
        {{ column }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ cte }}
    {%- endfor %}
{%- endmacro %}

{# A typed null, for a column a system does not have. #}
{% macro null_as(type_name) -%}
    {%- set types = {'string': dbt.type_string(), 'timestamp': dbt.type_timestamp(), 'boolean': 'boolean'} -%}
    {{ return('cast(null as ' ~ types.get(type_name, type_name) ~ ')') }}
{%- endmacro %}

{#
    Wide-mart helper: one column per (metric, field) from long kpi_scorecard rows, inside a
    `group by` over the wide mart's keys. `columns` is a list of [alias, metric_id, field]
    (field: value, numerator, denominator, target or meets_target); `relation_alias` qualifies
    the scorecard columns.
#}
{% macro metric_pivot_columns(columns, relation_alias='scorecard') -%}
    {%- for alias, metric_id, field in columns %}
    max(case when {{ relation_alias }}.metric_id = '{{ metric_id }}' then {{ relation_alias }}.{{ field }} end) as {{ alias }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{# [alias, metric_id, 'value'] for each metric id (alias = metric id). #}
{% macro metric_value_columns(metric_ids, field='value', suffix='') -%}
    {%- set columns = [] -%}
    {%- for metric_id in metric_ids -%}
        {%- do columns.append([metric_id ~ suffix, metric_id, field]) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#
    The pivot of a daily wide mart: one row per scorecard day (date_day) and dimension value
    (named `key_alias`), one column per [alias, metric_id, field] of `columns`, from the
    kpi_scorecard rows of CTE `relation_alias` (already cut to one grain and dimension).
#}
{% macro metric_daily_pivot(columns, key_alias, relation_alias='scorecard') -%}
    select
        {{ relation_alias }}.period_start as date_day,
        {{ relation_alias }}.dimension_value as {{ key_alias }},
        {{- support_warehouse.metric_pivot_columns(columns, relation_alias) }}
    from {{ relation_alias }}
    group by
        {{ relation_alias }}.period_start,
        {{ relation_alias }}.dimension_value
{%- endmacro %}

{#
    The materialization of an intermediate relation that many models read: a view on DuckDB,
    which inlines it into each reader's plan cheaply; a table on Spark, where every reader (and
    every statement of a reader) would otherwise plan the view's whole chain again on the driver,
    and a node's time on Spark is mostly that planning (docs/DECISIONS.md).
#}
{% macro view_or_table_on_spark() -%}
    {{ return(adapter.dispatch('view_or_table_on_spark', 'support_warehouse')()) }}
{%- endmacro %}

{% macro default__view_or_table_on_spark() -%}
    {{ return('view') }}
{%- endmacro %}

{% macro spark__view_or_table_on_spark() -%}
    {{ return('table') }}
{%- endmacro %}

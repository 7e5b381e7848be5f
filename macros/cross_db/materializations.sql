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

{#
    DuckDB views: a night recreates no view whose compiled SQL is the one it was created from.
    Recreating one costs a create, two renames, a drop and a commit on the warehouse file, and
    DuckDB binds the whole chain of views under it again: ~56 views, a few seconds of every night
    whatever it brought. The SQL's md5 is kept as the view's comment; a view whose comment matches
    is left as it is (DuckDB binds a view's query when it is read, so it sees its inputs' current
    columns). A full refresh, a view with hooks, or any other relation of that name: dbt's own
    view materialization. The lookup is the node's `main` statement (dbt needs one).
#}
{% materialization view, adapter='duckdb' %}
    {%- set fingerprint = 'sw_sql_md5:' ~ local_md5(sql) -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set reusable = existing_relation is not none and existing_relation.is_view
        and not should_full_refresh() and not pre_hooks and not post_hooks -%}
    {%- if reusable -%}
        {%- call statement('main', fetch_result=True) -%}
            select comment
            from duckdb_views()
            where database_name = '{{ this.database }}'
                and schema_name = '{{ this.schema }}'
                and view_name = '{{ this.identifier }}'
        {%- endcall -%}
        {%- set found = load_result('main')['table'] -%}
        {%- if found.rows | length == 1 and found.rows[0][0] == fingerprint -%}
            {% do adapter.commit() %}
            {{ return({'relations': [this.incorporate(type='view')]}) }}
        {%- endif -%}
    {%- endif -%}
    {%- set relations = context['materialization_view_default']() -%}
    {%- call statement('view_fingerprint') -%}
        comment on view {{ this }} is '{{ fingerprint }}'
    {%- endcall -%}
    {% do adapter.commit() %}
    {{ return(relations) }}
{% endmaterialization %}

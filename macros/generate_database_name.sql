{#
    A custom database (the marts' `marts` catalog) only where the adapter attaches one (DuckDB,
    profiles.yml); engines with a single catalog per connection (Spark) build every model in the
    target's database.
#}
{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {%- if custom_database_name is none or target.type != 'duckdb' -%}
        {{ target.database }}
    {%- else -%}
        {{ custom_database_name | trim }}
    {%- endif -%}
{%- endmacro %}

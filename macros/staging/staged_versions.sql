{#
    The versions a contract stg_* model ranks (its CTE `base`). A full build: every typed raw
    version, the base view. A night (is_incremental()): the raw rows loaded after the watermark,
    typed by the base model's macro (macros/staging/base_model_sql.sql), and the model's own rows
    of the keys they bring: a staged row is its key's latest good version among everything
    loaded before, so it and the new rows are all the candidates, and raw history is not typed
    again. (A version's verdict depends only on its own file, and a file is loaded whole at once.)
    dbt's delete+insert then replaces those keys (`key`, the model's unique_key): a staged key
    never disappears, so every key it deletes is in the new rows.
    `source_relation`: the model's source(), passed by the model so dbt records it when it parses.
    A full build types the source itself with the base model's macro, ranking only keys with
    several rows (single_versions; latest_version's of the same name): the base view ranks every
    row so its key columns stay cheap to read (int_tickets_changed), and the stg_* model still
    depends on it (its ref() below), so lineage and the night's column list stay as they were.
#}
{% macro staged_versions(base_model, source_relation, key) -%}
    {%- set base_relation = ref(base_model) -%}
    {%- if is_incremental() -%}
        {%- set new_rows -%}
            (select * from {{ source_relation }} where _loaded_at > {{ sw_changed_since() }})
        {%- endset -%}
        {%- set staged_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        with new_versions as (
            {{ base_model_sql(base_model, new_rows) }}
        )

        select * from new_versions
        union all
        -- the staged rows in the base view's columns (the checks' raw text copies are not kept)
        select
            {%- for column in adapter.get_columns_in_relation(base_relation) %}
            {% if column.name | lower in staged_columns -%}
                {{ column.name }}
            {%- else -%}
                cast(null as {{ column.data_type }}) as {{ column.name }}
            {%- endif %}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ this }}
        where {{ key }} in (select new_versions.{{ key }} from new_versions)
    {%- else -%}
        {{ base_model_sql(base_model, source_relation, single_versions=true) }}
    {%- endif -%}
{%- endmacro %}

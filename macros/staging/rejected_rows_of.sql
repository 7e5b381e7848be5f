{# One entity's rejected rows in the shape of audit.rejected_rows. #}
{# `relation=true`: `model` names a CTE or relation to read as is, not a model to ref(). #}
{# `connector_entities`: source_system -> entity for rows of connector tables (e.g. zendesk -> zendesk__ticket_comment). #}
{% macro rejected_rows_of(model, entity, key_columns, stage, relation=false, connector_entities=none) -%}
    {%- set key_parts = [] -%}
    {%- for key in key_columns -%}
        {%- do key_parts.append("coalesce(cast(" ~ key ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    select
        {%- if connector_entities %}
        case source_system
            {%- for system, system_entity in connector_entities.items() %}
            when '{{ system }}' then '{{ system_entity }}'
            {%- endfor %}
            else '{{ entity }}'
        end as entity,
        {%- else %}
        '{{ entity }}' as entity,
        {%- endif %}
        _source_file as source_file,
        _source_line as source_line,
        {{ key_parts | join(" || '|' || ") }} as record_key,
        reject_reason as reason,
        offending_value,
        '{{ stage }}' as rejected_stage,
        _loaded_at as loaded_at
    from {{ model if relation else ref(model) }}
    where reject_reason is not null
{%- endmacro %}

{#
    Raw rows of `source_relation` (all versions, so ranking within a file stays exact) whose key
    `key_column` (the first key column, cleaned as staging does) has a raw row missing from
    `staged_model`, plus rows without a key. A row that reached staging passed every staging rule
    (and stays good: its verdict depends only on its own file), so every staging reject is in here;
    on real data that is a few percent of the rows, which is all rejected_rows_staging then types.
#}
{% macro rows_not_staged(source_relation, staged_model, key_column) -%}
    (
        select *
        from {{ source_relation }}
        where
            {{ support_warehouse.clean_text(key_column) }} is null
            or {{ support_warehouse.clean_text(key_column) }} in (
                select {{ support_warehouse.clean_text('raw_rows.' ~ key_column) }}
                from {{ source_relation }} as raw_rows
                left join {{ staged_model }} as staged
                    on
                        raw_rows._source_file = staged._source_file
                        and raw_rows._source_line = staged._source_line
                where staged._source_line is null
            )
    )
{%- endmacro %}

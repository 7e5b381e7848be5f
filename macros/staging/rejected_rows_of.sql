{# One entity's rejected rows in the shape of audit.rejected_rows. #}
{# `relation=true`: `model` names a CTE or relation to read as is, not a model to ref(). #}
{% macro rejected_rows_of(model, entity, key_columns, stage, relation=false) -%}
    {%- set key_parts = [] -%}
    {%- for key in key_columns -%}
        {%- do key_parts.append("coalesce(cast(" ~ key ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    select
        '{{ entity }}' as entity,
        _source_file as source_file,
        _source_line as source_line,
        {{ key_parts | join(" || '|' || ") }} as record_key,
        reject_reason as reason,
        '{{ stage }}' as rejected_stage,
        _loaded_at as loaded_at
    from {{ model if relation else ref(model) }}
    where reject_reason is not null
{%- endmacro %}

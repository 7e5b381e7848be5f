{#
    The reader's rejects and the staging rejects (typing and value rules, conflicting in-file
    duplicates) of every loaded file. A row's staging verdict depends only on the rows of its own
    file, so this table is incremental per file: a night types and checks only the files loaded
    after the watermark (dbt's delete+insert on source_file; raw is append-only, so a file's
    rejects never disappear, and a fixed copy of a file is typed again with the rows loaded
    before it under the same name, as a full build does). rejected_rows adds the reference rejects.
    A full build types again only the keys with a raw row that did not make it into staging
    (macro rows_not_staged): a staged row passed every staging rule, so only those keys can hold one.
#}
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert',
    unique_key='source_file',
) }}

{%- set staged = [
    ('base_helpdesk__customers', source('helpdesk', 'customers'), 'customers', ['customer_id']),
    ('base_helpdesk__agents', source('helpdesk', 'agents'), 'agents', ['agent_id']),
    ('base_workforce__agent_shifts', source('workforce', 'agent_shifts'), 'agent_shifts', ['agent_id', 'shift_date']),
    ('base_helpdesk__tickets', source('helpdesk', 'tickets'), 'tickets', ['ticket_id']),
    ('base_helpdesk__ticket_messages', source('helpdesk', 'ticket_messages'), 'ticket_messages', ['message_id']),
    ('base_helpdesk__ticket_status_changes', source('helpdesk', 'ticket_status_changes'), 'ticket_status_changes', ['ticket_id', 'changed_at']),
    ('base_telephony__calls', source('telephony', 'calls'), 'calls', ['call_id']),
    ('base_surveys__survey_responses', source('surveys', 'survey_responses'), 'survey_responses', ['response_id']),
    ('base_commerce__reviews', source('commerce', 'reviews'), 'reviews', ['review_id']),
    ('base_commerce__orders', source('commerce', 'orders'), 'orders', ['order_id']),
    ('base_commerce__products', source('commerce', 'products'), 'products', ['product_id']),
    ('base_helpdesk__self_service_sessions', source('helpdesk', 'self_service_sessions'), 'self_service_sessions', ['session_id']),
] %}

with
{%- if is_incremental() %}

night_files as (
    select file_path from {{ source('loader', '_loaded_files') }}
    where loaded_at > {{ sw_changed_since() }}
),
{%- endif %}

load_rejects as (
    select
        entity,
        source_file,
        source_line,
        cast(null as {{ dbt.type_string() }}) as record_key,
        reason,
        raw_record as offending_value,
        'load' as rejected_stage,
        loaded_at
    from {{ source('loader', '_load_rejects') }}
    {%- if is_incremental() %}
    where source_file in (select file_path from night_files)
    {%- endif %}
),

{% for model, source_relation, entity, keys in staged %}
{{ model }} as (
    {%- set typed_rows -%}
    {%- if is_incremental() %}
    (select * from {{ source_relation }} where _source_file in (select file_path from night_files))
    {%- else %}
    {{ rows_not_staged(source_relation, ref(model | replace('base_', 'stg_', 1)), keys[0]) }}
    {%- endif %}
    {%- endset %}
    with {{ model }}_rows as (
        {{ base_model_sql(model, typed_rows) | indent(8) }}
    )
    {{ rejected_rows_of(model ~ '_rows', entity, keys, 'staging', relation=true) }}
),
{% endfor %}

final as (
    select * from load_rejects
    {%- for model, _, _, _ in staged %}
    union all
    select * from {{ model }}
    {%- endfor %}
)

select * from final

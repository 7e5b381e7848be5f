{#
    Every row that did not make it into the facts, with file, line, key and reason (SPEC §1):
    the reader's rejects, rows breaking a typing or value rule, and rows breaking a reference rule.
    A key superseded by a later version is not a reject: it stays queryable in raw.
#}
{%- set staged = [
    ('base_helpdesk__customers', 'customers', ['customer_id']),
    ('base_helpdesk__agents', 'agents', ['agent_id']),
    ('base_workforce__agent_shifts', 'agent_shifts', ['agent_id', 'shift_date']),
    ('base_helpdesk__tickets', 'tickets', ['ticket_id']),
    ('base_helpdesk__ticket_messages', 'ticket_messages', ['message_id']),
    ('base_helpdesk__ticket_status_changes', 'ticket_status_changes', ['ticket_id', 'changed_at']),
    ('base_telephony__calls', 'calls', ['call_id']),
    ('base_surveys__survey_responses', 'survey_responses', ['response_id']),
    ('base_commerce__reviews', 'reviews', ['review_id']),
    ('base_commerce__orders', 'orders', ['order_id']),
    ('base_commerce__products', 'products', ['product_id']),
    ('base_helpdesk__self_service_sessions', 'self_service_sessions', ['session_id']),
] -%}
{%- set validated = [
    ('int_ticket_messages_validated', 'ticket_messages', ['message_id']),
    ('int_ticket_status_changes_validated', 'ticket_status_changes', ['ticket_id', 'changed_at']),
    ('int_calls_validated', 'calls', ['call_id']),
    ('int_survey_responses_validated', 'survey_responses', ['response_id']),
    ('int_self_service_sessions_validated', 'self_service_sessions', ['session_id']),
] -%}

with

load_rejects as (
    select
        entity,
        source_file,
        source_line,
        cast(null as {{ dbt.type_string() }}) as record_key,
        reason,
        'load' as rejected_stage,
        loaded_at
    from {{ source('loader', '_load_rejects') }}
),

{% for model, entity, keys in staged %}
{{ model }} as (
    {{ rejected_rows_of(model, entity, keys, 'staging') }}
),

{% endfor %}
{% for model, entity, keys in validated %}
{{ model }} as (
    {{ rejected_rows_of(model, entity, keys, 'reference') }}
),

{% endfor %}
final as (
    select * from load_rejects
    {%- for model, _, _ in staged + validated %}
    union all
    select * from {{ model }}
    {%- endfor %}
)

select * from final

{#
    Every row that did not make it into the facts, with file, line, key and reason (SPEC §1):
    the reader's rejects, rows breaking a typing or value rule, and rows breaking a reference rule.
    A key superseded by a later version is not a reject: it stays queryable in raw.
#}
{%- set validated = [
    ('int_ticket_messages_validated', 'ticket_messages', ['message_id']),
    ('int_ticket_status_changes_validated', 'ticket_status_changes', ['ticket_id', 'changed_at']),
    ('int_calls_validated', 'calls', ['call_id']),
    ('int_survey_responses_validated', 'survey_responses', ['response_id']),
    ('int_self_service_sessions_validated', 'self_service_sessions', ['session_id']),
] -%}

with

staged_rejects as (
    -- reader and staging rejects, maintained per loaded file
    select * from {{ ref('rejected_rows_staging') }}
),

{% for model, entity, keys in validated %}
{{ model }} as (
    {{ rejected_rows_of(model, entity, keys, 'reference') }}
),

{% endfor %}
final as (
    select * from staged_rejects
    {%- for model, _, _ in validated %}
    union all
    select * from {{ model }}
    {%- endfor %}
)

select * from final

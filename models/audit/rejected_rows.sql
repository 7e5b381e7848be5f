{#
    Every row that did not make it into the facts, with file, line, key and reason (docs/input_contract.md):
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
{#- Connector tables (issue 23): typing and value rules of their base views; entity <system>__<table>. -#}
{%- set connector_bases = [
    ('base_zendesk__tickets', 'zendesk__ticket', ['ticket_id']),
    ('base_zendesk__ticket_comments', 'zendesk__ticket_comment', ['message_id']),
    ('base_zendesk__ticket_field_history', 'zendesk__ticket_field_history', ['ticket_id', 'field_name', 'changed_at']),
    ('base_zendesk__users', 'zendesk__user', ['user_id']),
    ('base_zendesk__groups', 'zendesk__group', ['group_id']),
    ('base_zendesk__satisfaction_ratings', 'zendesk__satisfaction_rating', ['response_id']),
    ('base_intercom__conversations', 'intercom__conversation_history', ['ticket_id']),
    ('base_intercom__conversation_parts', 'intercom__conversation_part_history', ['message_id']),
    ('base_intercom__admins', 'intercom__admin', ['admin_id']),
    ('base_intercom__teams', 'intercom__team', ['team_id']),
    ('base_intercom__team_admins', 'intercom__team_admin', ['team_id', 'admin_id']),
    ('base_intercom__contacts', 'intercom__contact_history', ['contact_id']),
] -%}

with

staged_rejects as (
    -- reader and staging rejects, maintained per loaded file
    select * from {{ ref('rejected_rows_staging') }}
),

{%- set connector_entities = {
    'int_ticket_messages_validated': {'zendesk': 'zendesk__ticket_comment', 'intercom': 'intercom__conversation_part_history'},
    'int_survey_responses_validated': {'zendesk': 'zendesk__satisfaction_rating', 'intercom': 'intercom__conversation_history'},
    'int_ticket_status_changes_validated': {'zendesk': 'zendesk__ticket_field_history', 'intercom': 'intercom__conversation_part_history'},
} -%}
{% for model, entity, keys in validated %}
{{ model }} as (
    {{ rejected_rows_of(model, entity, keys, 'reference', connector_entities=connector_entities.get(model)) }}
),

{% endfor %}
{% for model, entity, keys in connector_bases %}
{{ model }} as (
    {{ rejected_rows_of(model, entity, keys, 'staging') }}
),

{% endfor %}
final as (
    select * from staged_rejects
    {%- for model, _, _ in validated + connector_bases %}
    union all
    select * from {{ model }}
    {%- endfor %}
)

select * from final

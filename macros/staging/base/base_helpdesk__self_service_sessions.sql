{% macro base_helpdesk__self_service_sessions_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['session_id'], columns=[
        ['session_id', 'text'],
        ['customer_id', 'text'],
        ['started_at', 'timestamp'],
        ['session_source', 'code from source'],
        ['is_resolved', 'boolean from resolved'],
        ['ticket_id', 'text'],
    ], rules=[
        must_be_present('started_at'),
        must_be_plausible('started_at'),
        must_parse('is_resolved'),
        [not_accepted('session_source', 'self_service_source'), reason_with_value('unknown source', 'session_source')],
    ], expressions={'is_resolved': 'coalesce(is_resolved, false)'}, derived=[['is_escalated', 'ticket_id is not null']], single_versions=single_versions) }}
{%- endmacro %}

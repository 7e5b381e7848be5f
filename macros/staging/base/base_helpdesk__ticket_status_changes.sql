{% macro base_helpdesk__ticket_status_changes_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['ticket_id', 'changed_at'], columns=[
        ['ticket_id', 'text'],
        ['changed_at', 'timestamp'],
        ['status', 'code'],
    ], rules=[
        [not_accepted('status', 'ticket_status'), reason_with_value('unknown status', 'status')],
        must_be_plausible('changed_at'),
    ], single_versions=single_versions) }}
{%- endmacro %}

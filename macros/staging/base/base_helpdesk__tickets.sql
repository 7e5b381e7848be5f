{% macro base_helpdesk__tickets_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['ticket_id'], columns=[
        ['ticket_id', 'text'],
        ['customer_id', 'text'],
        ['channel', 'code'],
        ['ticket_type', 'code'],
        ['priority', 'code'],
        ['status', 'code'],
        ['assignee_id', 'text'],
        ['created_at', 'timestamp'],
        ['updated_at', 'timestamp'],
    ], rules=[
        must_be_present('created_at'),
        must_parse('updated_at'),
        must_be_plausible('created_at', 'updated_at'),
        ['not is_known_channel', reason_with_value('unknown channel: not in the channels seed', 'channel')],
        [not_accepted('priority', 'ticket_priority'), reason_with_value('unknown priority', 'priority')],
        [not_accepted('status', 'ticket_status'), reason_with_value('unknown status', 'status')],
        ['updated_at < created_at', "'negative duration: updated_at is before created_at'"],
    ], lookup={
        'column': 'channel',
        'cte': 'channels',
        'relation': ref('channels'),
        'flag': 'is_known_channel',
    }, single_versions=single_versions) }}
{%- endmacro %}

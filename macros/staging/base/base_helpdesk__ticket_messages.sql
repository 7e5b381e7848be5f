{# Only public agent messages are responses; bots, system events and internal notes are not (docs/metrics.md). #}
{% macro base_helpdesk__ticket_messages_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['message_id'], columns=[
        ['message_id', 'text'],
        ['ticket_id', 'text'],
        ['author_type', 'code'],
        ['author_id', 'text'],
        ['is_public', 'boolean'],
        ['created_at', 'timestamp'],
    ], rules=[
        must_be_present('ticket_id', 'created_at'),
        must_be_plausible('created_at'),
        must_parse('is_public'),
        [not_accepted('author_type', 'author_type'), reason_with_value('unknown author_type', 'author_type')],
    ], expressions={'is_public': 'coalesce(is_public, true)'}, derived=[
        ['is_agent_reply', "author_type = 'agent' and coalesce(is_public, true)"],
        ['is_customer_message', "author_type = 'customer' and coalesce(is_public, true)"],
    ], single_versions=single_versions) }}
{%- endmacro %}

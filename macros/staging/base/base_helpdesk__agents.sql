{% macro base_helpdesk__agents_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['agent_id'], columns=[
        ['agent_id', 'text'],
        ['agent_name', 'text from name'],
        ['email_hash', 'pii from email'],
        ['team', 'text'],
        ['timezone', 'text'],
        ['hired_at', 'timestamp'],
        ['left_at', 'timestamp'],
    ], rules=[
        must_parse('hired_at', 'left_at'),
        must_be_plausible('hired_at', 'left_at'),
        must_be_present('team'),
        ['left_at < hired_at', "'negative duration: left_at is before hired_at'"],
    ], single_versions=single_versions) }}
{%- endmacro %}

{# The line is connected from answer to hang-up, hold included (docs/input_contract.md). #}
{% macro base_telephony__calls_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['call_id'], columns=[
        ['call_id', 'text'],
        ['customer_id', 'text'],
        ['agent_id', 'text'],
        ['ticket_id', 'text'],
        ['queued_at', 'timestamp'],
        ['answered_at', 'timestamp'],
        ['ended_at', 'timestamp'],
        ['hold_seconds', 'integer'],
        ['wrap_up_seconds', 'integer'],
    ], rules=[
        must_be_present('queued_at'),
        must_parse('answered_at', 'ended_at'),
        must_be_plausible('queued_at', 'answered_at', 'ended_at'),
        must_parse('hold_seconds', 'wrap_up_seconds'),
        ['hold_seconds < 0 or wrap_up_seconds < 0', "'negative duration: hold_seconds or wrap_up_seconds below 0'"],
        ['answered_at < queued_at', "'negative duration: answered_at is before queued_at'"],
        ['ended_at < coalesce(answered_at, queued_at)', "'negative duration: ended_at is before the call was answered or queued'"],
        ['hold_seconds > ' ~ seconds_between('answered_at', 'ended_at'), "'hold_seconds longer than the call was connected (answered_at to ended_at)'"],
    ], expressions={'hold_seconds': 'coalesce(hold_seconds, 0)', 'wrap_up_seconds': 'coalesce(wrap_up_seconds, 0)'}, derived=[['is_answered', 'answered_at is not null']], single_versions=single_versions) }}
{%- endmacro %}

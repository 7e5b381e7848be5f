{# The SQL of model base_telephony__calls, also run by the night's stg_telephony__calls and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_telephony__calls_sql(source_relation) -%}
{%- set key_columns = ['call_id'] %}
{%- set payload_columns = ['customer_id', 'agent_id', 'ticket_id', 'queued_at', 'answered_at', 'ended_at', 'hold_seconds', 'wrap_up_seconds'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('call_id') }} as call_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ parse_timestamp_utc('queued_at') }} as queued_at,
        {{ parse_timestamp_utc('answered_at') }} as answered_at,
        {{ parse_timestamp_utc('ended_at') }} as ended_at,
        {{ try_cast(clean_text('hold_seconds'), dbt.type_int()) }} as hold_seconds,
        {{ try_cast(clean_text('wrap_up_seconds'), dbt.type_int()) }} as wrap_up_seconds,
        queued_at as queued_at_text,
        answered_at as answered_at_text,
        ended_at as ended_at_text,
        hold_seconds as hold_seconds_text,
        wrap_up_seconds as wrap_up_seconds_text,
        {{ lineage_columns() }}
    from source
),

{#- The line is connected from answer to hang-up, hold included (docs/input_contract.md). #}
{{ check_rows('typed', key_columns, payload_columns, [
        ['queued_at is null', reason_with_value('queued_at is missing or not an ISO-8601 timestamp', 'queued_at_text')],
        [untyped('answered_at', 'answered_at_text'), reason_with_value('answered_at is not an ISO-8601 timestamp', 'answered_at_text')],
        [untyped('ended_at', 'ended_at_text'), reason_with_value('ended_at is not an ISO-8601 timestamp', 'ended_at_text')],
        implausible_timestamp_rule('queued_at'),
        implausible_timestamp_rule('answered_at'),
        implausible_timestamp_rule('ended_at'),
        [untyped('hold_seconds', 'hold_seconds_text'), reason_with_value('hold_seconds is not a whole number', 'hold_seconds_text')],
        [untyped('wrap_up_seconds', 'wrap_up_seconds_text'), reason_with_value('wrap_up_seconds is not a whole number', 'wrap_up_seconds_text')],
        ['hold_seconds < 0 or wrap_up_seconds < 0', "'negative duration: hold_seconds or wrap_up_seconds below 0'"],
        ['answered_at < queued_at', "'negative duration: answered_at is before queued_at'"],
        ['ended_at < coalesce(answered_at, queued_at)', "'negative duration: ended_at is before the call was answered or queued'"],
        ['hold_seconds > ' ~ seconds_between('answered_at', 'ended_at'), "'hold_seconds longer than the call was connected (answered_at to ended_at)'"],
    ]) }},

{{ base_final(key_columns, payload_columns, expressions={'hold_seconds': 'coalesce(hold_seconds, 0)', 'wrap_up_seconds': 'coalesce(wrap_up_seconds, 0)'}, derived=[['is_answered', 'answered_at is not null']]) }}
{%- endmacro %}

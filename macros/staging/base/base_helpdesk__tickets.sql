{# The SQL of model base_helpdesk__tickets, also run by the night's stg_helpdesk__tickets and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{# `channels_relation`: the channels seed; the base view refs it, incremental callers look it up. #}
{% macro base_helpdesk__tickets_sql(source_relation, channels_relation=none) -%}
{%- set key_columns = ['ticket_id'] %}
{%- set payload_columns = ['customer_id', 'channel', 'ticket_type', 'priority', 'status', 'assignee_id', 'created_at', 'updated_at'] %}
with

source as (
    select * from {{ source_relation }}
),

channels as (
    select channel from {{ channels_relation if channels_relation is not none else ref('channels') }}
),

typed as (
    select
        {{ clean_text('source.ticket_id') }} as ticket_id,
        {{ clean_text('source.customer_id') }} as customer_id,
        {{ clean_code('source.channel') }} as channel,
        {{ clean_code('source.ticket_type') }} as ticket_type,
        {{ clean_code('source.priority') }} as priority,
        {{ clean_code('source.status') }} as status,
        {{ clean_text('source.assignee_id') }} as assignee_id,
        {{ parse_timestamp_utc('source.created_at') }} as created_at,
        {{ parse_timestamp_utc('source.updated_at') }} as updated_at,
        source.created_at as created_at_text,
        source.updated_at as updated_at_text,
        channels.channel is not null as is_known_channel,
        source._source_file,
        source._source_line,
        source._loaded_at,
        source._load_id
    from source
    left join channels
        on {{ clean_code('source.channel') }} = channels.channel
),

{{ check_rows('typed', key_columns, payload_columns, [
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        [untyped('updated_at', 'updated_at_text'), reason_with_value('updated_at is not an ISO-8601 timestamp', 'updated_at_text')],
        implausible_timestamp_rule('created_at'),
        implausible_timestamp_rule('updated_at'),
        ['not is_known_channel', reason_with_value('unknown channel: not in the channels seed', 'channel')],
        [not_accepted('priority', 'ticket_priority'), reason_with_value('unknown priority', 'priority')],
        [not_accepted('status', 'ticket_status'), reason_with_value('unknown status', 'status')],
        ['updated_at < created_at', "'negative duration: updated_at is before created_at'"],
    ]) }},

{{ base_final(key_columns, payload_columns) }}
{%- endmacro %}

{# The SQL of model base_helpdesk__ticket_messages, also run by the night's stg_helpdesk__ticket_messages and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_helpdesk__ticket_messages_sql(source_relation) -%}
{%- set key_columns = ['message_id'] %}
{%- set payload_columns = ['ticket_id', 'author_type', 'author_id', 'is_public', 'created_at'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('message_id') }} as message_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_code('author_type') }} as author_type,
        {{ clean_text('author_id') }} as author_id,
        {{ parse_boolean('is_public') }} as is_public,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        is_public as is_public_text,
        created_at as created_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', key_columns, payload_columns, [
        ['ticket_id is null', "'ticket_id is missing'"],
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        implausible_timestamp_rule('created_at'),
        [untyped('is_public', 'is_public_text'), reason_with_value('is_public is not a boolean', 'is_public_text')],
        [not_accepted('author_type', 'author_type'), reason_with_value('unknown author_type', 'author_type')],
    ]) }},

{# Only public agent messages are responses; bots, system events and internal notes are not (docs/metrics.md). #}
{{ base_final(key_columns, payload_columns, expressions={'is_public': 'coalesce(is_public, true)'}, derived=[
        ['is_agent_reply', "author_type = 'agent' and coalesce(is_public, true)"],
        ['is_customer_message', "author_type = 'customer' and coalesce(is_public, true)"],
    ]) }}
{%- endmacro %}

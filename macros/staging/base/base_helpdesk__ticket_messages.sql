{#
    The SQL of model base_helpdesk__ticket_messages (models/staging/helpdesk/), over any
    relation with the raw columns: typing and reject rules. A macro, not the model file, because
    the night's stg_helpdesk__ticket_messages and the rejects audit type subsets of the same raw
    rows with it (macros/staging/base_model_sql.sql).
#}
{% macro base_helpdesk__ticket_messages_sql(source_relation) -%}
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

{{ check_rows('typed', ['message_id'],
    ['ticket_id', 'author_type', 'author_id', 'is_public', 'created_at'],
    [
        ['ticket_id is null', "'ticket_id is missing'"],
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        implausible_timestamp_rule('created_at'),
        [untyped('is_public', 'is_public_text'), reason_with_value('is_public is not a boolean', 'is_public_text')],
        [not_accepted('author_type', 'author_type'), reason_with_value('unknown author_type', 'author_type')],
    ]) }},

final as (
    select
        message_id,
        ticket_id,
        author_type,
        author_id,
        coalesce(is_public, true) as is_public,
        created_at,
        -- Only public agent messages are responses; bots, system events and internal notes are not (docs/metrics.md).
        author_type = 'agent' and coalesce(is_public, true) as is_agent_reply,
        author_type = 'customer' and coalesce(is_public, true) as is_customer_message,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

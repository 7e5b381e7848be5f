with

source as (
    select * from {{ source('helpdesk', 'ticket_messages') }}
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
        [untyped('is_public', 'is_public_text'), reason_with_value('is_public is not a boolean', 'is_public_text')],
        [not_accepted('author_type', 'author_type'), "'unknown author_type: ''' || coalesce(author_type, '') || ''''"],
    ]) }},

final as (
    select
        message_id,
        ticket_id,
        author_type,
        author_id,
        coalesce(is_public, true) as is_public,
        created_at,
        -- Only public agent messages are responses; bots, system events and internal notes are not (SPEC §2).
        author_type = 'agent' and coalesce(is_public, true) as is_agent_reply,
        author_type = 'customer' and coalesce(is_public, true) as is_customer_message,
        reject_reason,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final

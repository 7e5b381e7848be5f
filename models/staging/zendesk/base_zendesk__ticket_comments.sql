with

source as (
    select * from {{ connector_source('zendesk', 'ticket_comment') }}
),

typed as (
    select
        {{ system_key('zendesk', 'id') }} as message_id,
        {{ clean_text('id') }} as source_message_id,
        {{ system_key('zendesk', 'ticket_id') }} as ticket_id,
        {{ system_key('zendesk', 'user_id') }} as author_id,
        {{ parse_boolean('public') }} as is_public,
        {{ parse_timestamp_utc('created') }} as created_at,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        created as created_text,
        public as public_text,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['message_id is null', "'key id is missing'"],
            ['ticket_id is null', "'ticket_id is missing'"],
            ['created_at is null', reason_with_value('created is missing or not an ISO-8601 timestamp', 'created_text')],
            implausible_timestamp_rule('created_at'),
            [untyped('is_public', 'public_text'), reason_with_value('public is not a boolean', 'public_text')],
        ]) }}
    from typed
)

select * from final

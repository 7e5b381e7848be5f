with

source as (
    select * from {{ connector_source('intercom', 'conversation_part_history') }}
),

typed as (
    select
        {{ system_key('intercom', 'id') }} as message_id,
        {{ clean_text('id') }} as source_message_id,
        {{ system_key('intercom', 'conversation_id') }} as ticket_id,
        {{ clean_code('part_type') }} as part_type,
        {{ system_key('intercom', 'author_id') }} as author_id,
        {{ clean_code('author_type') }} as intercom_author_type,
        -- only whether a part says something is kept: its text stays in raw
        {{ clean_text('body') }} is not null as has_body,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        created_at as created_text,
        updated_at as updated_text,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['message_id is null', "'key id is missing'"],
            ['ticket_id is null', "'conversation_id is missing'"],
            ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_text')],
            implausible_timestamp_rule('created_at'),
            [untyped('updated_at', 'updated_text'), reason_with_value('updated_at is not an ISO-8601 timestamp', 'updated_text')],
            implausible_timestamp_rule('updated_at'),
        ]) }}
    from typed
)

select * from final

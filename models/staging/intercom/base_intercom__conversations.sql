with

source as (
    select * from {{ connector_source('intercom', 'conversation_history') }}
),

typed as (
    select
        {{ system_key('intercom', 'id') }} as ticket_id,
        {{ clean_text('id') }} as source_ticket_id,
        {{ system_key('intercom', 'source_author_id') }} as customer_id,
        {{ intercom_channel('source_type', 'source_delivered_as') }} as channel,
        {{ intercom_status('state') }} as status,
        {{ system_key('intercom', 'assignee_id') }} as assignee_id,
        {{ try_cast('conversation_rating_value', dbt.type_int()) }} as rating_value,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        created_at as created_at_text,
        updated_at as updated_at_text,
        conversation_rating_value as rating_value_text,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['ticket_id is null', "'key id is missing'"],
            ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
            implausible_timestamp_rule('created_at'),
            [untyped('updated_at', 'updated_at_text'), reason_with_value('updated_at is not an ISO-8601 timestamp', 'updated_at_text')],
            implausible_timestamp_rule('updated_at'),
            [not_accepted('status', 'ticket_status'), reason_with_value('unknown state', 'status')],
            ['updated_at < created_at', "'negative duration: updated_at is before created_at'"],
            [
                untyped('rating_value', 'rating_value_text') ~ ' or rating_value not between 1 and 5',
                reason_with_value('conversation_rating_value is not a rating 1-5', 'rating_value_text'),
            ],
        ]) }}
    from typed
)

select * from final

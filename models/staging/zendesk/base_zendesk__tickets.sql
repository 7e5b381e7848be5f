with

source as (
    select * from {{ connector_source('zendesk', 'ticket') }}
),

typed as (
    select
        {{ system_key('zendesk', 'id') }} as ticket_id,
        {{ clean_text('id') }} as source_ticket_id,
        {{ system_key('zendesk', 'requester_id') }} as customer_id,
        {{ zendesk_channel('via_channel') }} as channel,
        {{ clean_code('type') }} as ticket_type,
        -- Zendesk allows no priority; the SLA policies need one: Zendesk's default, normal
        coalesce({{ clean_code('priority') }}, 'normal') as priority,
        {{ zendesk_status('status') }} as status,
        {{ system_key('zendesk', 'assignee_id') }} as assignee_id,
        {{ system_key('zendesk', 'group_id') }} as group_id,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        created_at as created_at_text,
        updated_at as updated_at_text,
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
            [not_accepted('status', 'ticket_status'), reason_with_value('unknown status', 'status')],
            ['updated_at < created_at', "'negative duration: updated_at is before created_at'"],
        ]) }}
    from typed
)

select * from final

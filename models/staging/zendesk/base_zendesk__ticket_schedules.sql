with

source as (
    select * from {{ connector_source('zendesk', 'ticket_schedule') }}
),

typed as (
    select
        {{ system_key('zendesk', 'ticket_id') }} as ticket_id,
        {{ system_key('zendesk', 'schedule_id') }} as schedule_id,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        created_at as created_at_text,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['ticket_id is null or schedule_id is null', "'ticket_id or schedule_id is missing'"],
            ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
            implausible_timestamp_rule('created_at'),
        ]) }}
    from typed
)

select * from final

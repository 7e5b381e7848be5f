with

source as (
    select * from {{ connector_source('zendesk', 'ticket_field_history') }}
),

typed as (
    select
        {{ system_key('zendesk', 'ticket_id') }} as ticket_id,
        {{ clean_code('field_name') }} as field_name,
        {{ parse_timestamp_utc('updated') }} as changed_at,
        {{ clean_text('value') }} as field_value,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        updated as updated_text,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['ticket_id is null or field_name is null', "'key ticket_id, field_name is missing'"],
            ['changed_at is null', reason_with_value('updated is missing or not an ISO-8601 timestamp', 'updated_text')],
            implausible_timestamp_rule('changed_at'),
            [
                "field_name = 'status' and " ~ not_accepted(zendesk_status('field_value'), 'ticket_status'),
                reason_with_value('unknown status', 'field_value'),
            ],
        ]) }}
    from typed
)

select * from final

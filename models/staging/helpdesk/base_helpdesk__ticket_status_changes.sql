with

source as (
    select * from {{ source('helpdesk', 'ticket_status_changes') }}
),

typed as (
    select
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ parse_timestamp_utc('changed_at') }} as changed_at,
        {{ clean_code('status') }} as status,
        changed_at as changed_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['ticket_id', 'changed_at'],
    ['status'],
    [
        [not_accepted('status', 'ticket_status'), "'unknown status: ''' || coalesce(status, '') || ''''"],
    ]) }},

final as (
    select
        ticket_id,
        changed_at,
        status,
        reject_reason,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final

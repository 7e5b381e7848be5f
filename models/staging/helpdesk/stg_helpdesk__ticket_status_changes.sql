{{ config(**sw_incremental_config('ticket_id')) }}

with

base as (
    {{ sw_staged_base('base_helpdesk__ticket_status_changes', 'helpdesk', 'ticket_status_changes') }}
),

latest as (
    {{ latest_version('base', ['ticket_id', 'changed_at']) }}
),

final as (
    select
        ticket_id,
        changed_at,
        status,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

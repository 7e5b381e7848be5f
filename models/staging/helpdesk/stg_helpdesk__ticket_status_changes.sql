with

base as (
    select * from {{ ref('base_helpdesk__ticket_status_changes') }}
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

{{ config(**sw_incremental_config('ticket_id')) }}

with

base as (
    {{ sw_staged_base('base_helpdesk__tickets', 'helpdesk', 'tickets') }}
),

latest as (
    {{ latest_version('base', ['ticket_id'], order_by='updated_at') }}
),

final as (
    select
        ticket_id,
        customer_id,
        channel,
        ticket_type,
        priority,
        status,
        assignee_id,
        created_at,
        updated_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

{{ config(**sw_incremental_config('session_id')) }}

with

base as (
    {{ sw_staged_base('base_helpdesk__self_service_sessions', 'helpdesk', 'self_service_sessions') }}
),

latest as (
    {{ latest_version('base', ['session_id']) }}
),

final as (
    select
        session_id,
        customer_id,
        started_at,
        session_source,
        is_resolved,
        ticket_id,
        is_escalated,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

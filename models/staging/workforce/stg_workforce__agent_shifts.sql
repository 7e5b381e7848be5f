{{ config(**sw_incremental_config('agent_id')) }}

with

base as (
    {{ sw_staged_base('base_workforce__agent_shifts', 'workforce', 'agent_shifts') }}
),

latest as (
    {{ latest_version('base', ['agent_id', 'shift_date']) }}
),

final as (
    select
        agent_id,
        shift_date,
        scheduled_minutes,
        is_leave,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

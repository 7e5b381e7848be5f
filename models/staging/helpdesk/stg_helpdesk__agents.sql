{{ config(**sw_incremental_config('agent_id')) }}

with

base as (
    {{ sw_staged_base('base_helpdesk__agents', 'helpdesk', 'agents') }}
),

latest as (
    {{ latest_version('base', ['agent_id']) }}
),

final as (
    select
        agent_id,
        agent_name,
        email_hash,
        team,
        timezone,
        hired_at,
        left_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

{{ config(**sw_incremental_config('call_id')) }}

with

base as (
    {{ sw_staged_base('base_telephony__calls', 'telephony', 'calls') }}
),

latest as (
    {{ latest_version('base', ['call_id']) }}
),

final as (
    select
        call_id,
        customer_id,
        agent_id,
        ticket_id,
        queued_at,
        answered_at,
        ended_at,
        hold_seconds,
        wrap_up_seconds,
        is_answered,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

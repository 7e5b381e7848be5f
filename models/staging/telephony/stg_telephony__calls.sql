{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='call_id',
) }}

with

base as (
    {{ staged_versions('base_telephony__calls', source('telephony', 'calls'), 'call_id') }}
),

latest as (
    {{ latest_version('base', ['call_id'], single_versions=true) }}
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

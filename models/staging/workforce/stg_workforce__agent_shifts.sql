{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='agent_id',
) }}

with

base as (
    {{ staged_versions('base_workforce__agent_shifts', source('workforce', 'agent_shifts'), 'agent_id') }}
),

latest as (
    {{ latest_version('base', ['agent_id', 'shift_date'], single_versions=true) }}
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

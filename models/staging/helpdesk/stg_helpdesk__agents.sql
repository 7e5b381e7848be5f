{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='agent_id',
) }}

with

base as (
    {{ staged_versions('base_helpdesk__agents', source('helpdesk', 'agents'), 'agent_id') }}
),

latest as (
    {{ latest_version('base', ['agent_id'], single_versions=true) }}
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

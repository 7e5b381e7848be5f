{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='session_id',
) }}

with

base as (
    {{ staged_versions('base_helpdesk__self_service_sessions', source('helpdesk', 'self_service_sessions'), 'session_id') }}
),

latest as (
    {{ latest_version('base', ['session_id'], single_versions=true) }}
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

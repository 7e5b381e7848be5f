{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='ticket_id',
) }}

with

base as (
    {{ staged_versions('base_helpdesk__ticket_status_changes', source('helpdesk', 'ticket_status_changes'), 'ticket_id') }}
),

latest as (
    {{ latest_version('base', ['ticket_id', 'changed_at'], single_versions=true) }}
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

{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_zendesk__ticket_field_history') }}
    where field_name = 'assignee_id'
),

latest as (
    {{ latest_version('base', ['ticket_id', 'changed_at'], order_by='fivetran_synced_at') }}
),

final as (
    select
        ticket_id,
        changed_at,
        {{ system_key('zendesk', 'field_value') }} as assignee_id,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

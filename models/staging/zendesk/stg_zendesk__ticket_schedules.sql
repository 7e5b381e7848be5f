{{ config(materialized='table') }}

{#- The schedule a ticket runs on: the latest one Zendesk assigned it. -#}

with

base as (
    select * from {{ ref('base_zendesk__ticket_schedules') }}
),

latest as (
    {{ latest_version('base', ['ticket_id'], order_by='created_at desc, fivetran_synced_at') }}
),

final as (
    select
        ticket_id,
        schedule_id,
        created_at as scheduled_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

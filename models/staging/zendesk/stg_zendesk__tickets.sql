{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_zendesk__tickets') }}
),

latest as (
    {{ latest_version('base', ['ticket_id'], order_by='fivetran_synced_at') }}
),

final as (
    select
        ticket_id,
        source_ticket_id,
        customer_id,
        channel,
        ticket_type,
        priority,
        status,
        assignee_id,
        group_id,
        created_at,
        updated_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

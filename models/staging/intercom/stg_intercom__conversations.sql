{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_intercom__conversations') }}
),

latest as (
    -- conversation_history keeps every version: the latest update wins
    {{ latest_version('base', ['ticket_id'], order_by='updated_at desc nulls last, fivetran_synced_at') }}
),

final as (
    select
        ticket_id,
        source_ticket_id,
        customer_id,
        channel,
        status,
        assignee_id,
        rating_value,
        created_at,
        updated_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

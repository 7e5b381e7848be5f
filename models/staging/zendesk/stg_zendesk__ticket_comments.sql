{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_zendesk__ticket_comments') }}
),

latest as (
    {{ latest_version('base', ['message_id'], order_by='fivetran_synced_at') }}
),

final as (
    select
        message_id,
        source_message_id,
        ticket_id,
        author_id,
        -- Zendesk: a comment without the flag is public
        coalesce(is_public, true) as is_public,
        created_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

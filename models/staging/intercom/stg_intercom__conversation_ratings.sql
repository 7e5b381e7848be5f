{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_intercom__conversations') }}
    where
        reject_reason is null
        and rating_value is not null
),

conversations as (
    select * from {{ ref('stg_intercom__conversations') }}
    where rating_value is not null
),

-- the connector keeps no rating time: the first synced version carrying a rating dates it
first_rated as (
    select
        ticket_id,
        min(updated_at) as rated_at
    from base
    group by ticket_id
),

final as (
    select
        conversations.ticket_id as response_id,
        conversations.source_ticket_id as source_response_id,
        'csat' as survey_type,
        'csat_5' as survey_scale,
        conversations.customer_id,
        conversations.ticket_id,
        conversations.assignee_id as agent_id,
        -- nor a time the rating was asked for: asked and answered at once
        first_rated.rated_at as sent_at,
        first_rated.rated_at as responded_at,
        conversations.rating_value as score,
        true as is_responded,
        conversations._source_file,
        conversations._source_line,
        conversations._loaded_at
    from conversations
    inner join first_rated
        on conversations.ticket_id = first_rated.ticket_id
)

select * from final

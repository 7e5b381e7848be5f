{{ config(materialized='table') }}

with

tickets as (
    select * from {{ ref('int_tickets_unioned') }}
),

messages as (
    select * from {{ ref('int_ticket_messages_validated') }}
),

status_changes as (
    select * from {{ ref('int_ticket_status_changes_validated') }}
),

latest_ticket_event as (
    select max(coalesce(updated_at, created_at)) as latest_at
    from tickets
),

latest_message as (
    select max(created_at) as latest_at
    from messages
    where reject_reason is null
),

latest_status_change as (
    select max(changed_at) as latest_at
    from status_changes
    where reject_reason is null
),

combined as (
    select
        greatest(
            coalesce(latest_ticket_event.latest_at, latest_message.latest_at, latest_status_change.latest_at),
            coalesce(latest_message.latest_at, latest_ticket_event.latest_at, latest_status_change.latest_at),
            coalesce(latest_status_change.latest_at, latest_ticket_event.latest_at, latest_message.latest_at)
        ) as as_of_at
    from latest_ticket_event
    cross join latest_message
    cross join latest_status_change
),

final as (
    select
        as_of_at,
        {{ reporting_date('as_of_at') }} as as_of_date
    from combined
)

select * from final

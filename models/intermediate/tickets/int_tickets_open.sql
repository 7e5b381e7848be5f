{#
    Tickets still open: their clocks run to the data's as-of time, so the ticket facts recompute
    them every night besides their change set (int_tickets_changed).
#}

with

status_intervals as (
    select * from {{ ref('int_ticket_status_intervals_sequenced') }}
),

final as (
    select ticket_id
    from status_intervals
    where
        is_current
        and not is_solved_status
)

select * from final

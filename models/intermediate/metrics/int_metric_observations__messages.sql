{#
    Inbound volume: public customer messages (is_customer_message) of validated messages, dated by
    the message, with the channel, type and customer tier of their ticket. No fact holds one row
    per customer message, so this reads the validated messages directly.
#}

with

messages as (
    select * from {{ ref('int_ticket_messages_validated') }}
    where
        reject_reason is null
        and is_customer_message
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

customer_messages as (
    select
        {{ reporting_date('messages.created_at') }} as message_date,
        tickets.channel,
        tickets.ticket_type,
        tickets.customer_tier
    from messages
    inner join tickets
        on messages.ticket_id = tickets.ticket_id
),

final as (
    {{ metric_cube('customer_messages', 'message_date', [
        {'metric_id': 'messages_inbound', 'numerator': 'count(*)'},
    ], dimensions={
        'channel': 'channel',
        'ticket_type': 'ticket_type',
        'customer_tier': 'customer_tier',
    }) }}
)

select * from final

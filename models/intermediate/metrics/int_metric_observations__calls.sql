{#
    Phone metrics from fct_calls, dated by queued_date, with the formulas of
    macros/metrics/call_metrics.sql. Calls not linked to a ticket also count in conversations_total
    (channel 'phone'); a linked call is a contact of its ticket, already counted as that ticket.
#}

with

calls as (
    select * from {{ ref('fct_calls') }}
),

final as (
    {{ metric_cube('calls', 'queued_date', [
        {'metric_id': 'conversations_total', 'numerator': metric_count_where('ticket_id is null')},
        'average_wait_seconds',
        'answered_call_rate',
        'call_service_level',
        'average_handle_seconds',
        'average_hold_seconds',
    ], dimensions={
        'channel': 'channel',
        'agent_id': 'agent_id',
        'team': 'team',
        'customer_tier': 'customer_tier',
    }) }}
)

select * from final

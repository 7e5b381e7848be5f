{#
    Reply metrics from fct_ticket_replies (one row per public agent reply; bot and system
    messages are not replies), dated by the reply: outbound volume and response time.
#}

with

replies as (
    select * from {{ ref('fct_ticket_replies') }}
),

final as (
    {{ metric_cube('replies', 'replied_date', [
        {'metric_id': 'messages_outbound', 'numerator': 'count(*)'},
        {'metric_id': 'response_minutes_mean',
            'numerator': 'sum(response_minutes)',
            'denominator': metric_scope_count('response_minutes')},
    ], dimensions={
        'channel': 'channel',
        'agent_id': 'agent_id',
        'team': 'agent_team',
        'ticket_type': 'ticket_type',
        'customer_tier': 'customer_tier',
    }) }}
)

select * from final

{#
    Raw durations for the percentile path (median, p90): one row per ticket and measure, from one
    scan of fct_tickets. metric_id is the _mean metric whose values are ranked; the catalog's
    _median and _p90 rows name it in `derived_from`. Dated like the mean: first response by
    created_date, resolution by first_solved_date.
#}

with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

final as (
    {{ metric_measures('tickets', [
        {'metric_id': 'first_response_minutes_mean', 'date': 'created_date',
            'measure': 'first_response_minutes'},
        {'metric_id': 'first_response_business_minutes_mean', 'date': 'created_date',
            'measure': 'first_response_business_minutes'},
        {'metric_id': 'resolution_minutes_mean', 'date': 'first_solved_date',
            'measure': 'first_resolution_minutes'},
        {'metric_id': 'resolution_business_minutes_mean', 'date': 'first_solved_date',
            'measure': 'first_resolution_business_minutes'},
    ], dimensions={
        'channel': 'channel',
        'agent_id': 'assignee_id',
        'team': 'assignee_team',
        'ticket_type': 'ticket_type',
        'customer_tier': 'customer_tier',
        'priority': 'priority',
    }) }}
)

select * from final

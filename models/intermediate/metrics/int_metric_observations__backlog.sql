{#
    Backlog counts per snapshot day from fct_backlog_daily (one row per open ticket per day, end
    of day in the reporting timezone). These are levels, not flows: int_metric_periods__snapshots
    takes the value of each period's last day instead of summing days.
#}

with

backlog as (
    select * from {{ ref('fct_backlog_daily') }}
),

final as (
    {{ metric_cube('backlog', 'snapshot_date', [
        {'metric_id': 'active_tickets', 'numerator': 'count(*)'},
        {'metric_id': 'backlog_open', 'numerator': 'count(*)'},
        {'metric_id': 'backlog_overdue', 'numerator': metric_flag_count('is_overdue')},
    ], dimensions={
        'channel': 'channel',
        'agent_id': 'assignee_id',
        'team': 'assignee_team',
        'ticket_type': 'ticket_type',
        'customer_tier': 'customer_tier',
    }) }}
)

select * from final

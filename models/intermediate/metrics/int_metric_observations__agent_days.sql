{#
    conversations_per_agent_day from fct_agent_days (one row per agent and shift date): distinct
    tickets replied on each worked day (a shift not on leave) over worked days. Replies on days
    without a worked shift stay out of this rate (they count in conversations_per_agent).
#}

with

agent_days as (
    select * from {{ ref('fct_agent_days') }}
),

final as (
    {{ metric_cube('agent_days', 'shift_date', [
        {'metric_id': 'conversations_per_agent_day',
            'numerator': 'sum(case when is_worked_day then tickets_replied else 0 end)',
            'denominator': metric_flag_count('is_worked_day')},
    ], dimensions={
        'agent_id': 'agent_id',
        'team': 'team',
    }) }}
)

select * from final

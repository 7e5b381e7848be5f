{#
    Conversations per teammate per day (articles 003, 004; target 30-35): distinct tickets each
    agent replied to on each worked day (a shift not on leave), on the agent's own clock. The
    monthly mean over worked days is kpi_scorecard's conversations_per_agent_day.
#}

select
    agent_days.shift_date,
    agent_days.agent_id,
    agents.agent_name,
    agent_days.team,
    agent_days.tickets_replied as conversations,
    agent_days.replies
from {{ ref('fct_agent_days') }} as agent_days
left join {{ ref('dim_agents') }} as agents
    on agent_days.agent_id = agents.agent_id
where agent_days.is_worked_day
order by agent_days.shift_date, agent_days.agent_id

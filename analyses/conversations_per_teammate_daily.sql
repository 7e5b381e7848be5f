{#
    Conversations per teammate per day (articles 003, 004; target 30-35): distinct tickets each
    agent replied to on each worked day (a shift not on leave), on the agent's own clock. The
    monthly mean over worked days is kpi_scorecard's conversations_per_agent_day.
#}

with

agent_days as (
    select * from {{ ref('fct_agent_days') }}
    where is_worked_day
),

agents as (
    select * from {{ ref('dim_agents') }}
),

final as (
    select
        agent_days.shift_date,
        agent_days.agent_id,
        agents.agent_name,
        agent_days.team,
        agent_days.tickets_replied as conversations,
        agent_days.replies
    from agent_days
    left join agents
        on agent_days.agent_id = agents.agent_id
)

select * from final
order by shift_date, agent_id

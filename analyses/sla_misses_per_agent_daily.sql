{#
    SLA misses per agent per day (article 000): tickets whose first reply missed, or is overdue
    against, their first-response SLA, per creation day and the agent who missed it (the first
    replier, else the assignee), with the tickets whose first reply was due. Summed over agents
    and days of a month it is kpi_scorecard's sla_breaches for that month.
#}

with

sla_tickets as (
    select
        created_date,
        coalesce(first_reply_agent_id, assignee_id) as agent_id,
        is_sla_breached,
        has_sla_due
    from {{ ref('fct_tickets') }}
)

select
    sla_tickets.created_date,
    sla_tickets.agent_id,
    agents.agent_name,
    agents.team,
    sum(case when sla_tickets.is_sla_breached then 1 else 0 end) as sla_misses,
    sum(case when sla_tickets.has_sla_due then 1 else 0 end) as sla_due_tickets
from sla_tickets
left join {{ ref('dim_agents') }} as agents
    on sla_tickets.agent_id = agents.agent_id
group by
    sla_tickets.created_date,
    sla_tickets.agent_id,
    agents.agent_name,
    agents.team
order by sla_tickets.created_date asc, sla_misses desc

{#
    Open tickets still waiting for their first reply whose SLA due time has passed or falls within
    the next var('sla_at_risk_horizon_minutes') minutes of the data's as-of time. minutes_left is
    negative when overdue.
#}

with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

waiting as (
    select
        tickets.*,
        watermark.as_of_at,
        {{ minutes_between('watermark.as_of_at', 'tickets.sla_due_at') }} as minutes_left
    from tickets
    cross join watermark
    where
        tickets.sla_due_at is not null
        and tickets.first_reply_at is null
        and tickets.status not in ('solved', 'closed')
),

final as (
    select
        waiting.ticket_id,
        waiting.customer_id,
        waiting.customer_tier,
        waiting.channel,
        waiting.ticket_type,
        waiting.priority,
        waiting.status,
        waiting.assignee_id,
        agents.agent_name,
        waiting.assignee_team,
        waiting.created_at,
        waiting.sla_policy_id,
        waiting.sla_due_at,
        waiting.as_of_at,
        waiting.minutes_left,
        waiting.minutes_left < 0 as is_overdue
    from waiting
    left join agents
        on waiting.assignee_id = agents.agent_id
    where waiting.minutes_left <= {{ var('sla_at_risk_horizon_minutes') }}
)

select * from final

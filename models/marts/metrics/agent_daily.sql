{#
    Agent per day (team lead dashboard): one row per agent and reporting-timezone day with a shift
    (fct_agent_days) or any agent-level scorecard value. Conversations are the distinct tickets
    the agent replied to that day; conversations_per_worked_day is the same count on worked days
    only (null on leave, off days and replies without a shift) and is what the 30-35 target of
    seeds/metric_targets.csv judges. Solved, resolution rate, SLA breaches, handle time and CSAT
    are the agent's kpi_scorecard values (dimension 'agent').
    Days are the agent's own (int_agents_clocked): shifts, conversations and
    conversations_per_worked_day count on the agent's clock; the other scorecard values (solved,
    SLA, handle time, CSAT) are cut from the scorecard's reporting-timezone days, so their 'agent'
    rows still add up to the 'all' rows; the two coincide unless the timezones differ.
#}

{%- set value_columns = [
    ['conversations', 'conversations_per_agent', 'numerator'],
    ['conversations_per_worked_day', 'conversations_per_agent_day', 'value'],
    ['meets_conversation_target', 'conversations_per_agent_day', 'meets_target'],
    ['replies', 'messages_outbound', 'value'],
    ['response_minutes_mean', 'response_minutes_mean', 'value'],
    ['tickets_solved', 'tickets_solved', 'value'],
    ['resolution_rate', 'resolution_rate', 'value'],
    ['tickets_received', 'resolution_rate', 'denominator'],
    ['sla_breaches', 'sla_breaches', 'value'],
    ['calls_handled', 'average_handle_seconds', 'denominator'],
    ['average_handle_seconds', 'average_handle_seconds', 'value'],
    ['csat_score', 'csat_score', 'value'],
    ['csat_answers', 'csat_score', 'denominator'],
] %}

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
    where dimension = 'agent' and period_grain = 'day'
),

agent_days as (
    select * from {{ ref('fct_agent_days') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

targets as (
    select * from {{ ref('metric_targets') }}
),

agent_metrics as (
    {{ metric_daily_pivot(value_columns, 'agent_id') }}
),

spine as (
    select
        date_day,
        agent_id
    from agent_metrics
    union
    select
        shift_date as date_day,
        agent_id
    from agent_days
),

final as (
    select
        spine.date_day,
        spine.agent_id,
        agents.agent_name,
        coalesce(agents.team, agent_days.team) as team,
        coalesce(agent_days.has_shift, false) as has_shift,
        coalesce(agent_days.is_leave, false) as is_leave,
        coalesce(agent_days.is_worked_day, false) as is_worked_day,
        agent_days.scheduled_minutes,
        coalesce(agent_metrics.conversations, 0) as conversations,
        agent_metrics.conversations_per_worked_day,
        cast(targets.target_min as double) as conversation_target_min,
        cast(targets.target_max as double) as conversation_target_max,
        agent_metrics.meets_conversation_target,
        coalesce(agent_metrics.replies, 0) as replies,
        agent_metrics.response_minutes_mean,
        coalesce(agent_metrics.tickets_solved, 0) as tickets_solved,
        agent_metrics.tickets_received,
        agent_metrics.resolution_rate,
        coalesce(agent_metrics.sla_breaches, 0) as sla_breaches,
        agent_metrics.calls_handled,
        agent_metrics.average_handle_seconds,
        agent_metrics.csat_answers,
        agent_metrics.csat_score
    from spine
    left join agent_metrics
        on
            spine.date_day = agent_metrics.date_day
            and spine.agent_id = agent_metrics.agent_id
    left join agent_days
        on
            spine.date_day = agent_days.shift_date
            and spine.agent_id = agent_days.agent_id
    left join agents
        on spine.agent_id = agents.agent_id
    left join targets
        on targets.metric_id = 'conversations_per_agent_day'
)

select * from final

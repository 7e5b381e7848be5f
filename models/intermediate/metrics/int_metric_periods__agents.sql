{#
    conversations_per_agent (catalog aggregation 'distinct_per_agent') per day, ISO week and
    month: per agent, the distinct tickets they replied to in the period (numerator) over 1
    (denominator) for every agent who worked in it - a worked shift not on leave
    (fct_agent_days.is_worked_day) or a reply. Distinct tickets do not add up over days, so each
    grain is counted from the replies; agents do add up, so dimension 'all' (and team) is the
    sum over agents: tickets replied per agent who worked. Days are the agent's own (replies
    dated on int_agents_clocked's clock, macro agent_local_date), the same rule as
    fct_agent_days and so conversations_per_agent_day.
#}

{%- set grains = ['day', 'week', 'month'] %}

with

replies as (
    select * from {{ ref('fct_ticket_replies') }}
    where agent_id is not null
),

agent_clocks as (
    select * from {{ ref('int_agents_clocked') }}
),

agent_days as (
    select * from {{ ref('fct_agent_days') }}
    where is_worked_day
),

agents as (
    select * from {{ ref('dim_agents') }}
),

catalog_dimensions as (
    select * from {{ ref('int_metric_catalog_dimensions') }}
),

dated_replies as (
    select
        replies.agent_id,
        replies.ticket_id,
        {{ agent_local_date('replies.replied_at', 'agent_clocks.clock_timezone') }} as reply_date
    from replies
    left join agent_clocks
        on replies.agent_id = agent_clocks.agent_id
),

reply_periods as (
    select distinct
        metric_grains.period_grain,
        {{ metric_period_start_case('metric_grains.period_grain', 'dated_replies.reply_date', grains) }} as period_start,
        dated_replies.agent_id,
        dated_replies.ticket_id
    from dated_replies
    cross join {{ metric_grains_relation(grains) }} as metric_grains
),

agent_tickets as (
    select
        period_grain,
        period_start,
        agent_id,
        count(*) as tickets_replied
    from reply_periods
    group by
        period_grain,
        period_start,
        agent_id
),

worked_periods as (
    select distinct
        metric_grains.period_grain,
        {{ metric_period_start_case('metric_grains.period_grain', 'agent_days.shift_date', grains) }} as period_start,
        agent_days.agent_id
    from agent_days
    cross join {{ metric_grains_relation(grains) }} as metric_grains
),

agent_periods as (
    select
        coalesce(agent_tickets.period_grain, worked_periods.period_grain) as period_grain,
        coalesce(agent_tickets.period_start, worked_periods.period_start) as period_start,
        coalesce(agent_tickets.agent_id, worked_periods.agent_id) as agent_id,
        coalesce(agent_tickets.tickets_replied, 0) as tickets_replied
    from agent_tickets
    full outer join worked_periods
        on
            agent_tickets.period_grain = worked_periods.period_grain
            and agent_tickets.period_start = worked_periods.period_start
            and agent_tickets.agent_id = worked_periods.agent_id
),

metric_rows as (
    select
        'conversations_per_agent' as metric_id,
        agent_periods.period_grain,
        agent_periods.period_start,
        {{ metric_dimension_columns({'agent_id': 'agent_periods.agent_id', 'team': 'agents.team'}) }},
        cast(agent_periods.tickets_replied as double) as numerator,
        cast(1 as double) as denominator
    from agent_periods
    left join agents
        on agent_periods.agent_id = agents.agent_id
),

final as (
    {{ aggregate_metric_observations('metric_rows', 'catalog_dimensions') }}
)

select * from final

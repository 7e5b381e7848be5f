with

shifts as (
    select * from {{ ref('stg_workforce__agent_shifts') }}
),

agents as (
    select * from {{ ref('int_agents_unioned') }}
),

replies as (
    select * from {{ ref('int_ticket_replies_paired') }}
),

agent_clocks as (
    select * from {{ ref('int_agents_clocked') }}
),

dated_replies as (
    select
        replies.agent_id,
        replies.ticket_id,
        {{ agent_local_date('replies.replied_at', 'agent_clocks.clock_timezone') }} as shift_date
    from replies
    left join agent_clocks
        on replies.agent_id = agent_clocks.agent_id
    where replies.agent_id is not null
),

reply_days as (
    select
        agent_id,
        shift_date,
        count(distinct ticket_id) as tickets_replied,
        count(*) as replies
    from dated_replies
    group by agent_id, shift_date
),

agent_days as (
    select
        coalesce(shifts.agent_id, reply_days.agent_id) as agent_id,
        coalesce(shifts.shift_date, reply_days.shift_date) as shift_date,
        shifts.scheduled_minutes,
        coalesce(shifts.is_leave, false) as is_leave,
        shifts.agent_id is not null as has_shift,
        coalesce(reply_days.tickets_replied, 0) as tickets_replied,
        coalesce(reply_days.replies, 0) as replies
    from shifts
    full outer join reply_days
        on
            shifts.agent_id = reply_days.agent_id
            and shifts.shift_date = reply_days.shift_date
),

final as (
    select
        agent_days.agent_id,
        agents.team,
        agent_days.shift_date,
        agent_days.scheduled_minutes,
        agent_days.is_leave,
        agent_days.has_shift,
        agent_days.has_shift and not agent_days.is_leave as is_worked_day,
        agent_days.tickets_replied,
        agent_days.replies
    from agent_days
    left join agents
        on agent_days.agent_id = agents.agent_id
)

select * from final

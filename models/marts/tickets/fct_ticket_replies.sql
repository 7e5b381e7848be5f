-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='ticket_id', change_set='int_tickets_changed',
) }}

with

replies as (
    select * from {{ ref('int_ticket_replies_paired') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from {{ ref('int_tickets_changed') }})
    {%- endif %}
),

tickets as (
    select * from {{ ref('int_tickets_enriched') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from {{ ref('int_tickets_changed') }})
    {%- endif %}
),

agents as (
    select * from {{ ref('int_agents_unioned') }}
),

joined as (
    select
        replies.message_id,
        replies.ticket_id,
        replies.agent_id,
        agents.team as agent_team,
        tickets.channel,
        tickets.ticket_type,
        tickets.priority,
        tickets.customer_id,
        tickets.customer_tier,
        tickets.assignee_id,
        tickets.schedule_id,
        tickets.schedule_timezone,
        replies.replied_at,
        replies.reply_number,
        replies.is_first_reply,
        replies.answered_customer_message_at,
        replies.answered_message_count,
        replies.answers_ticket_creation,
        replies.response_minutes
    from replies
    inner join tickets
        on replies.ticket_id = tickets.ticket_id
    left join agents
        on replies.agent_id = agents.agent_id
),

-- Business clock at both ends of each response, on the ticket's schedule.
clock_points as (
    select
        message_id,
        'replied' as clock_point,
        replied_at as point_at,
        schedule_id,
        schedule_timezone
    from joined
    union all
    select
        message_id,
        'answered' as clock_point,
        answered_customer_message_at as point_at,
        schedule_id,
        schedule_timezone
    from joined
    where answered_customer_message_at is not null
),

clock_readings as (
    {{ business_clock_at('clock_points', 'point_at', 'schedule_id', 'schedule_timezone') }}
),

clock_by_reply as (
    select
        message_id,
        max(case when clock_point = 'replied' then business_clock_seconds end) as replied_clock_seconds,
        max(case when clock_point = 'answered' then business_clock_seconds end) as answered_clock_seconds
    from clock_readings
    group by message_id
),

final as (
    select
        joined.message_id,
        joined.ticket_id,
        joined.agent_id,
        joined.agent_team,
        joined.channel,
        joined.ticket_type,
        joined.priority,
        joined.customer_id,
        joined.customer_tier,
        joined.assignee_id,
        joined.agent_id = joined.assignee_id as is_by_assignee,
        joined.replied_at,
        {{ reporting_date('joined.replied_at') }} as replied_date,
        joined.reply_number,
        joined.is_first_reply,
        joined.answered_customer_message_at,
        joined.answered_message_count,
        joined.answers_ticket_creation,
        joined.response_minutes,
        (clock_by_reply.replied_clock_seconds - clock_by_reply.answered_clock_seconds) / 60.0
            as response_business_minutes
    from joined
    left join clock_by_reply
        on joined.message_id = clock_by_reply.message_id
)

select * from final

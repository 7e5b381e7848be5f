-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='ticket_id', change_set='int_tickets_changed',
) }}

with

tickets as (
    select * from {{ ref('int_tickets_unioned') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from {{ ref('int_tickets_changed') }})
    {%- endif %}
),

customers as (
    select * from {{ ref('int_customers_unioned') }}
),

agents as (
    select * from {{ ref('int_agents_unioned') }}
),

business_hours as (
    select * from {{ ref('int_business_hours_unioned') }}
),

schedules as (
    select distinct
        schedule_id,
        timezone
    from business_hours
),

joined as (
    select
        tickets.ticket_id,
        tickets.customer_id,
        customers.customer_tier,
        tickets.channel,
        tickets.ticket_type,
        tickets.priority,
        tickets.status,
        tickets.assignee_id,
        agents.team as assignee_team,
        -- the schedule the source system gave the ticket wins over its assignee's team's
        coalesce(system_schedules.schedule_id, team_schedules.schedule_id) as team_schedule_id,
        tickets.created_at,
        tickets.updated_at,
        tickets.source_system,
        tickets.source_ticket_id
    from tickets
    left join customers
        on tickets.customer_id = customers.customer_id
    left join agents
        on tickets.assignee_id = agents.agent_id
    left join schedules as team_schedules
        on lower(trim(agents.team)) = lower(trim(team_schedules.schedule_id))
    left join schedules as system_schedules
        on tickets.system_schedule_id = system_schedules.schedule_id
),

scheduled as (
    select
        joined.*,
        coalesce(joined.team_schedule_id, 'default') as schedule_id
    from joined
),

final as (
    select
        scheduled.ticket_id,
        scheduled.customer_id,
        scheduled.customer_tier,
        scheduled.channel,
        scheduled.ticket_type,
        scheduled.priority,
        scheduled.status,
        scheduled.status in ('solved', 'closed') as is_status_solved,
        scheduled.assignee_id,
        scheduled.assignee_team,
        scheduled.schedule_id,
        schedules.timezone as schedule_timezone,
        scheduled.team_schedule_id is null as uses_default_schedule,
        scheduled.created_at,
        scheduled.updated_at,
        scheduled.source_system,
        scheduled.source_ticket_id
    from scheduled
    left join schedules
        on scheduled.schedule_id = schedules.schedule_id
)

select * from final

with

agents as (
    select * from {{ ref('int_agents_unioned') }}
),

business_hours as (
    select * from {{ ref('int_business_hours_unioned') }}
),

schedules as (
    select distinct schedule_id
    from business_hours
),

final as (
    select
        agents.agent_id,
        agents.agent_name,
        agents.email_hash,
        agents.team,
        agents.timezone,
        coalesce(schedules.schedule_id, 'default') as schedule_id,
        agents.hired_at,
        agents.left_at,
        agents.left_at is null as is_active
    from agents
    left join schedules
        on lower(trim(agents.team)) = lower(trim(schedules.schedule_id))
)

select * from final

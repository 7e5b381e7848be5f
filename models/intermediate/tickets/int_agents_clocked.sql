{#
    The clock an agent's days are counted on (docs/metrics.md: per-agent days in the agent's own
    timezone): the agent's own IANA timezone when the engine knows it, else the team schedule's
    timezone (int_business_hours_unioned: the seed's schedules and a connector's own), else the 'default' schedule's, else UTC. One row per agent.
#}

with

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

checked as (
    select
        agent_id,
        team,
        timezone,
        {{ is_known_timezone('timezone') }} as is_known_timezone
    from agents
),

final as (
    select
        checked.agent_id,
        checked.team,
        coalesce(
            case when checked.is_known_timezone then checked.timezone end,
            team_schedules.timezone,
            default_schedules.timezone,
            'UTC'
        ) as clock_timezone,
        checked.is_known_timezone as is_agent_timezone
    from checked
    left join schedules as team_schedules
        on lower(trim(checked.team)) = lower(trim(team_schedules.schedule_id))
    left join schedules as default_schedules
        on default_schedules.schedule_id = 'default'
)

select * from final

{#
    Agents of every source system; Zendesk's are its agent and admin users, their team the name
    of their default group (which picks the business-hours schedule, as a contract team does);
    Intercom's are its admins, their team from team_admin.
#}
{{ config(sw_keys_kept=true) }}

with

contract_agents as (
    select * from {{ ref('stg_helpdesk__agents') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
    where is_agent
),

zendesk_groups as (
    select * from {{ ref('stg_zendesk__groups') }}
),

intercom_admins as (
    select * from {{ ref('stg_intercom__admins') }}
),

intercom_team_admins as (
    select * from {{ ref('stg_intercom__team_admins') }}
),

intercom_teams as (
    select * from {{ ref('stg_intercom__teams') }}
),

-- an admin in several teams works on the schedule of the first by name
intercom_admin_teams as (
    select
        intercom_team_admins.admin_id,
        min(intercom_teams.team_name) as team_name,
        max(greatest(intercom_team_admins._loaded_at, intercom_teams._loaded_at)) as team_loaded_at
    from intercom_team_admins
    inner join intercom_teams
        on intercom_team_admins.team_id = intercom_teams.team_id
    group by intercom_team_admins.admin_id
),

unioned as (
    select
        agent_id,
        agent_name,
        email_hash,
        team,
        timezone,
        hired_at,
        left_at,
        'contract' as source_system,
        agent_id as source_agent_id,
        _source_file,
        _source_line,
        _loaded_at
    from contract_agents
    union all
    select
        zendesk_users.user_id as agent_id,
        zendesk_users.agent_name,
        zendesk_users.email_hash,
        zendesk_groups.group_name as team,
        zendesk_users.timezone,
        zendesk_users.created_at as hired_at,
        cast(null as {{ dbt.type_timestamp() }}) as left_at,
        'zendesk' as source_system,
        zendesk_users.source_user_id as source_agent_id,
        zendesk_users._source_file,
        zendesk_users._source_line,
        -- a renamed group changes its agents' team
        greatest(zendesk_users._loaded_at, coalesce(zendesk_groups._loaded_at, zendesk_users._loaded_at)) as _loaded_at
    from zendesk_users
    left join zendesk_groups
        on zendesk_users.default_group_id = zendesk_groups.group_id
    union all
    select
        intercom_admins.admin_id as agent_id,
        intercom_admins.admin_name as agent_name,
        intercom_admins.email_hash,
        intercom_admin_teams.team_name as team,
        -- Intercom admins carry no time zone
        cast(null as {{ dbt.type_string() }}) as timezone,
        cast(null as {{ dbt.type_timestamp() }}) as hired_at,
        cast(null as {{ dbt.type_timestamp() }}) as left_at,
        'intercom' as source_system,
        intercom_admins.source_admin_id as source_agent_id,
        intercom_admins._source_file,
        intercom_admins._source_line,
        greatest(
            intercom_admins._loaded_at, coalesce(intercom_admin_teams.team_loaded_at, intercom_admins._loaded_at)
        ) as _loaded_at
    from intercom_admins
    left join intercom_admin_teams
        on intercom_admins.admin_id = intercom_admin_teams.admin_id
),

final as (
    select * from unioned
)

select * from final

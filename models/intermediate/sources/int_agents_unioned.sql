{#
    Agents of every source system; Zendesk's are its agent and admin users, their team the name
    of their default group (which picks the business-hours schedule, as a contract team does);
    Intercom's are its admins, their team from team_admin.
#}
{{ config(materialized=view_or_table_on_spark()) }}

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

zendesk_agents as (
    select
        zendesk_users.*,
        zendesk_groups.group_name,
        -- a renamed group changes its agents' team
        greatest(zendesk_users._loaded_at, coalesce(zendesk_groups._loaded_at, zendesk_users._loaded_at)) as grouped_loaded_at
    from zendesk_users
    left join zendesk_groups
        on zendesk_users.default_group_id = zendesk_groups.group_id
),

intercom_agents as (
    select
        intercom_admins.*,
        intercom_admin_teams.team_name,
        greatest(
            intercom_admins._loaded_at, coalesce(intercom_admin_teams.team_loaded_at, intercom_admins._loaded_at)
        ) as teamed_loaded_at
    from intercom_admins
    left join intercom_admin_teams
        on intercom_admins.admin_id = intercom_admin_teams.admin_id
),

-- Intercom admins carry no time zone.
unioned as (
    {{ union_sources(
        ['agent_id', 'agent_name', 'email_hash', 'team', 'timezone', 'hired_at', 'left_at', 'source_system',
            'source_agent_id', '_source_file', '_source_line', '_loaded_at'],
        [
            ['contract_agents', 'contract', {'source_agent_id': 'agent_id'}],
            ['zendesk_agents', 'zendesk', {
                'agent_id': 'user_id',
                'team': 'group_name',
                'hired_at': 'created_at',
                'left_at': null_as('timestamp'),
                'source_agent_id': 'source_user_id',
                '_loaded_at': 'grouped_loaded_at',
            }],
            ['intercom_agents', 'intercom', {
                'agent_id': 'admin_id',
                'agent_name': 'admin_name',
                'team': 'team_name',
                'timezone': null_as('string'),
                'hired_at': null_as('timestamp'),
                'left_at': null_as('timestamp'),
                'source_agent_id': 'source_admin_id',
                '_loaded_at': 'teamed_loaded_at',
            }],
        ]) }}
),

final as (
    select * from unioned
)

select * from final

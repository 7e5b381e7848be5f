{#
    Agents of every source system; Zendesk's are its agent and admin users, their team the name
    of their default group (which picks the business-hours schedule, as a contract team does).
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
),

final as (
    select * from unioned
)

select * from final

{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_zendesk__users') }}
),

latest as (
    {{ latest_version('base', ['user_id'], order_by='fivetran_synced_at') }}
),

final as (
    select
        user_id,
        source_user_id,
        user_role,
        user_role in ('agent', 'admin') as is_agent,
        agent_name,
        user_name_hash,
        email_hash,
        timezone,
        default_group_id,
        created_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_intercom__team_admins') }}
),

latest as (
    {{ latest_version('base', ['team_id', 'admin_id'], order_by='fivetran_synced_at') }}
),

final as (
    select
        team_id,
        admin_id,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

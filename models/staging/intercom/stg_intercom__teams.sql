{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_intercom__teams') }}
),

latest as (
    {{ latest_version('base', ['team_id'], order_by='fivetran_synced_at') }}
),

final as (
    select
        team_id,
        team_name,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_zendesk__groups') }}
),

latest as (
    {{ latest_version('base', ['group_id'], order_by='fivetran_synced_at') }}
),

final as (
    select
        group_id,
        group_name,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

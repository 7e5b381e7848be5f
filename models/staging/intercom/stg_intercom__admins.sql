{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_intercom__admins') }}
),

latest as (
    {{ latest_version('base', ['admin_id'], order_by='fivetran_synced_at') }}
),

final as (
    select
        admin_id,
        source_admin_id,
        admin_name,
        email_hash,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

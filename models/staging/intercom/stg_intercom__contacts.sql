{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_intercom__contacts') }}
),

latest as (
    -- contact_history keeps every version: the latest update wins
    {{ latest_version('base', ['contact_id'], order_by='updated_at desc nulls last, fivetran_synced_at') }}
),

final as (
    select
        contact_id,
        source_contact_id,
        contact_role,
        contact_name_hash,
        email_hash,
        created_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

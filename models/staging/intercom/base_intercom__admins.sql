with

source as (
    select * from {{ connector_source('intercom', 'admin') }}
),

typed as (
    select
        {{ system_key('intercom', 'id') }} as admin_id,
        {{ clean_text('id') }} as source_admin_id,
        -- admins' names stay readable (as the contract's agents); emails are hashed
        {{ clean_text('name') }} as admin_name,
        {{ hash_pii('email') }} as email_hash,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['admin_id is null', "'key id is missing'"],
        ]) }}
    from typed
)

select * from final

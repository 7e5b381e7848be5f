with

source as (
    select * from {{ connector_source('intercom', 'team_admin') }}
),

typed as (
    select
        {{ system_key('intercom', 'team_id') }} as team_id,
        {{ system_key('intercom', 'admin_id') }} as admin_id,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['team_id is null or admin_id is null', "'key team_id, admin_id is missing'"],
        ]) }}
    from typed
)

select * from final

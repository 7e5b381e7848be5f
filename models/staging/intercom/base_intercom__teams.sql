with

source as (
    select * from {{ connector_source('intercom', 'team') }}
),

typed as (
    select
        {{ system_key('intercom', 'id') }} as team_id,
        {{ clean_text('name') }} as team_name,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['team_id is null', "'key id is missing'"],
        ]) }}
    from typed
)

select * from final

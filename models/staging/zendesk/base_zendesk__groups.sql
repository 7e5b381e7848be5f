with

source as (
    select * from {{ connector_source('zendesk', 'group') }}
),

typed as (
    select
        {{ system_key('zendesk', 'id') }} as group_id,
        {{ clean_text('name') }} as group_name,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['group_id is null', "'key id is missing'"],
        ]) }}
    from typed
)

select * from final

with

source as (
    select * from {{ connector_source('intercom', 'contact_history') }}
),

typed as (
    select
        {{ system_key('intercom', 'id') }} as contact_id,
        {{ clean_text('id') }} as source_contact_id,
        {{ clean_code('role') }} as contact_role,
        {{ hash_pii('name') }} as contact_name_hash,
        {{ hash_pii('email') }} as email_hash,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        created_at as created_at_text,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['contact_id is null', "'key id is missing'"],
            ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
            implausible_timestamp_rule('created_at'),
        ]) }}
    from typed
)

select * from final

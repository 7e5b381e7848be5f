with

source as (
    select * from {{ connector_source('zendesk', 'user') }}
),

typed as (
    select
        {{ system_key('zendesk', 'id') }} as user_id,
        {{ clean_text('id') }} as source_user_id,
        {{ clean_code('role') }} as user_role,
        -- agents' names stay readable (as the contract's agents); end users' are hashed
        case when {{ clean_code('role') }} in ('agent', 'admin') then {{ clean_text('name') }} end as agent_name,
        {{ hash_pii('name') }} as user_name_hash,
        {{ hash_pii('email') }} as email_hash,
        {{ zendesk_iana_timezone('time_zone') }} as timezone,
        {{ system_key('zendesk', 'default_group_id') }} as default_group_id,
        {{ parse_timestamp_utc('created_at') }} as created_at,
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
            ['user_id is null', "'key id is missing'"],
            ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
            implausible_timestamp_rule('created_at'),
        ]) }}
    from typed
)

select * from final

with

source as (
    select * from {{ source('helpdesk', 'customers') }}
),

typed as (
    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ hash_pii('name') }} as customer_name_hash,
        {{ hash_pii('email') }} as email_hash,
        {{ clean_code('tier') }} as customer_tier,
        upper({{ clean_text('country') }}) as country,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('churned_at') }} as churned_at,
        created_at as created_at_text,
        churned_at as churned_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['customer_id'],
    ['customer_name_hash', 'email_hash', 'customer_tier', 'country', 'created_at', 'churned_at'],
    [
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        [untyped('churned_at', 'churned_at_text'), reason_with_value('churned_at is not an ISO-8601 timestamp', 'churned_at_text')],
        [not_accepted('customer_tier', 'customer_tier'), "'unknown tier: ''' || coalesce(customer_tier, '') || ''''"],
        ['churned_at < created_at', "'negative duration: churned_at is before created_at'"],
    ]) }},

final as (
    select
        customer_id,
        customer_name_hash,
        email_hash,
        customer_tier,
        country,
        created_at,
        churned_at,
        reject_reason,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final

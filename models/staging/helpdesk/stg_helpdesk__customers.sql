{{ config(**sw_incremental_config('customer_id')) }}

with

base as (
    {{ sw_staged_base('base_helpdesk__customers', 'helpdesk', 'customers') }}
),

latest as (
    {{ latest_version('base', ['customer_id']) }}
),

final as (
    select
        customer_id,
        customer_name_hash,
        email_hash,
        customer_tier,
        country,
        created_at,
        churned_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

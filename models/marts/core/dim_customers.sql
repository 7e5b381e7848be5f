{#- Incremental per customer: a night rewrites the customers whose staged version changed. #}
{{ config(**sw_incremental_config('customer_id')) }}

with

customers as (
    select * from {{ ref('int_customers_unioned') }}
    where {{ sw_in_scope('customer_id') }}
),

final as (
    select
        customer_id,
        customer_name_hash,
        email_hash,
        customer_tier,
        country,
        created_at,
        {{ reporting_date('created_at') }} as created_date,
        churned_at,
        churned_at is not null as is_churned
    from customers
)

select * from final

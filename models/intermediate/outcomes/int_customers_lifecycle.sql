with

customers as (
    select * from {{ ref('int_customers_unioned') }}
),

final as (
    select
        customer_id,
        customer_tier,
        country,
        created_at,
        {{ reporting_date('created_at') }} as active_from_date,
        churned_at,
        {{ reporting_date('churned_at') }} as churned_date,
        churned_at is not null as is_churned
    from customers
)

select * from final

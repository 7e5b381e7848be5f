with

customers as (
    select * from {{ ref('stg_helpdesk__customers') }}
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

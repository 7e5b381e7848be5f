with

reviews as (
    select * from {{ ref('stg_commerce__reviews') }}
),

customers as (
    select * from {{ ref('int_customers_unioned') }}
),

orders as (
    select * from {{ ref('stg_commerce__orders') }}
),

flagged as (
    select
        review_id,
        customer_id,
        order_id,
        marketplace,
        rating,
        created_at,
        rating >= 4 as is_positive,
        rating <= 2 as is_negative
    from reviews
),

final as (
    select
        flagged.review_id,
        flagged.customer_id,
        customers.customer_tier,
        flagged.order_id,
        orders.order_id is not null as has_known_order,
        flagged.marketplace,
        flagged.rating,
        flagged.created_at,
        {{ reporting_date('flagged.created_at') }} as created_date,
        flagged.is_positive,
        flagged.is_negative
    from flagged
    left join customers
        on flagged.customer_id = customers.customer_id
    left join orders
        on flagged.order_id = orders.order_id
)

select * from final

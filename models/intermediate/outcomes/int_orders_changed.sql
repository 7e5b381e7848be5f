{#
    The change set of fct_orders, per customer (an order's sequence flags depend on the
    customer's earlier orders): the customers whose orders may differ from the last fully
    successful night's.
#}

with

-- every version, rejected ones too: an order that moved touches its old and its new customer
order_versions as (
    select * from {{ ref('base_commerce__orders') }}
),

review_versions as (
    select * from {{ ref('base_commerce__reviews') }}
),

staged_orders as (
    select * from {{ ref('stg_commerce__orders') }}
),

staged_products as (
    select * from {{ ref('stg_commerce__products') }}
),

staged_customers as (
    select * from {{ ref('int_customers_unioned') }}
),

changed_orders as (
    select order_id from order_versions
    where _loaded_at > {{ sw_changed_since() }}
),

-- an order whose reviews changed (every version of a review: it may have moved to another order)
reviewed_orders as (
    select review_versions.order_id
    from review_versions
    where review_versions.review_id in (
        select changed_versions.review_id
        from review_versions as changed_versions
        where changed_versions._loaded_at > {{ sw_changed_since() }}
    )
),

touched as (
    select order_versions.customer_id
    from order_versions
    inner join changed_orders
        on order_versions.order_id = changed_orders.order_id
    union
    select staged_orders.customer_id
    from staged_orders
    where
        staged_orders.order_id in (select reviewed_orders.order_id from reviewed_orders)
        or staged_orders.product_id in (
            select staged_products.product_id
            from staged_products
            where staged_products._loaded_at > {{ sw_changed_since() }}
        )
    union
    select customer_id
    from staged_customers
    where _loaded_at > {{ sw_changed_since() }}
),

final as (
    select customer_id
    from touched
    where customer_id is not null
)

select * from final

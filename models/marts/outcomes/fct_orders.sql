{#-
    A night recomputes every order of the customers in its change set (int_orders_changed): an
    order's sequence flags (returning, new category, up-sell) depend on the customer's earlier
    orders. A customer whose orders all moved away leaves (strategy replace_changed).
#}
-- depends_on: {{ ref('int_orders_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='customer_id', change_set='int_orders_changed',
) }}

with

orders as (
    select * from {{ ref('stg_commerce__orders') }}
    {%- if is_incremental() %}
    where customer_id in (select customer_id from {{ ref('int_orders_changed') }})
    {%- endif %}
),

products as (
    select * from {{ ref('stg_commerce__products') }}
),

customers as (
    select * from {{ ref('int_customers_unioned') }}
),

reviews as (
    select * from {{ ref('fct_reviews') }}
    where order_id is not null
),

reviews_ranked as (
    select
        order_id,
        marketplace,
        is_negative,
        row_number() over (
            partition by order_id
            order by created_at desc, review_id desc
        ) as review_rank
    from reviews
),

order_reviews as (
    select
        order_id,
        count(*) as review_count,
        max(case when is_negative then 1 else 0 end) = 1 as has_negative_review,
        max(case when review_rank = 1 then marketplace end) as marketplace
    from reviews_ranked
    group by order_id
),

enriched as (
    select
        orders.order_id,
        orders.customer_id,
        customers.customer_tier,
        orders.ordered_at,
        orders.product_id,
        products.category,
        products.product_tier,
        orders.quantity,
        orders.amount,
        orders.order_status,
        orders.is_shipped_on_time as shipped_on_time_flag,
        orders.has_a_to_z_claim,
        orders.has_chargeback
    from orders
    left join products
        on orders.product_id = products.product_id
    left join customers
        on orders.customer_id = customers.customer_id
),

sequenced as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by ordered_at, order_id
        ) as customer_order_number,
        count(order_id) over (
            partition by customer_id, category
            order by ordered_at, order_id
            rows between unbounded preceding and 1 preceding
        ) as prior_orders_in_category,
        max(product_tier) over (
            partition by customer_id, category
            order by ordered_at, order_id
            rows between unbounded preceding and 1 preceding
        ) as prior_max_tier_in_category
    from enriched
),

flagged as (
    select
        *,
        customer_order_number > 1 as is_returning_customer,
        coalesce(
            customer_order_number > 1 and category is not null and prior_orders_in_category = 0,
            false
        ) as is_new_category,
        coalesce(
            category is not null and product_tier > prior_max_tier_in_category,
            false
        ) as is_upsell,
        order_status = 'cancelled' as is_cancelled,
        order_status = 'returned' as is_returned,
        case
            when order_status in ('shipped', 'returned') then shipped_on_time_flag
        end as is_shipped_on_time
    from sequenced
),

final as (
    select
        flagged.order_id,
        flagged.customer_id,
        flagged.customer_tier,
        flagged.ordered_at,
        {{ reporting_date('flagged.ordered_at') }} as ordered_date,
        flagged.product_id,
        flagged.category,
        flagged.product_tier,
        flagged.quantity,
        flagged.amount,
        flagged.order_status,
        flagged.is_cancelled,
        flagged.is_returned,
        flagged.is_shipped_on_time,
        flagged.customer_order_number,
        flagged.is_returning_customer,
        flagged.is_new_category,
        flagged.is_upsell,
        flagged.prior_max_tier_in_category,
        coalesce(order_reviews.review_count, 0) as review_count,
        coalesce(order_reviews.has_negative_review, false) as has_negative_review,
        flagged.has_a_to_z_claim,
        flagged.has_chargeback,
        -- Amazon's order defect: a negative review, an A-to-z claim or a chargeback; a cancellation
        -- is not a defect (cancellation_rate). Claims and chargebacks count where the extract has them.
        coalesce(order_reviews.has_negative_review, false)
        or coalesce(flagged.has_a_to_z_claim, false)
        or coalesce(flagged.has_chargeback, false) as is_defective,
        order_reviews.marketplace
    from flagged
    left join order_reviews
        on flagged.order_id = order_reviews.order_id
)

select * from final

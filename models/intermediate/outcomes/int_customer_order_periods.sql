with

orders as (
    select * from {{ ref('fct_orders') }}
),

{%- set grains = [
    ('day', 'ordered_date'),
    ('week', 'cast(' ~ dbt.date_trunc('week', 'ordered_date') ~ ' as date)'),
    ('month', 'cast(' ~ dbt.date_trunc('month', 'ordered_date') ~ ' as date)'),
] %}

order_periods as (
    {%- for grain, period_start in grains %}
    select
        customer_id,
        customer_tier,
        '{{ grain }}' as period_grain,
        {{ period_start }} as period_start,
        order_id,
        amount,
        is_returning_customer,
        is_new_category,
        is_upsell
    from orders
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        customer_id,
        customer_tier,
        period_grain,
        period_start,
        count(order_id) as order_count,
        sum(amount) as order_amount,
        max(case when is_returning_customer then 1 else 0 end) = 1 as is_returning_customer,
        max(case when is_new_category then 1 else 0 end) = 1 as has_cross_sell,
        max(case when is_upsell then 1 else 0 end) = 1 as has_upsell,
        {{ repeat_sales_count() }} as returning_order_count,
        {{ repeat_sales_amount() }} as returning_order_amount
    from order_periods
    group by
        customer_id,
        customer_tier,
        period_grain,
        period_start
)

select * from final

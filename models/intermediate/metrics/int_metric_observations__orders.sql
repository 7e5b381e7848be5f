{#
    Order health and repeat sales from fct_orders, dated by ordered_date, with the formulas of
    macros/metrics/commerce_metrics.sql. Cut by customer tier only: an order's marketplace is
    known only when it was reviewed, too partial a cut for order rates.
#}

with

orders as (
    select * from {{ ref('fct_orders') }}
),

final as (
    {{ metric_cube('orders', 'ordered_date', [
        'order_defect_rate',
        'cancellation_rate',
        'on_time_shipment_rate',
        {'metric_id': 'repeat_sales_orders', 'numerator': repeat_sales_count()},
        {'metric_id': 'repeat_sales_amount', 'numerator': repeat_sales_amount()},
        'repeat_sales_order_share',
        'repeat_sales_amount_share',
    ], dimensions={
        'customer_tier': 'customer_tier',
    }) }}
)

select * from final

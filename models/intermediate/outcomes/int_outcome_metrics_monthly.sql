with

survey_responses as (
    select * from {{ ref('fct_survey_responses') }}
),

calls as (
    select * from {{ ref('fct_calls') }}
),

reviews as (
    select * from {{ ref('fct_reviews') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

customer_order_periods as (
    select * from {{ ref('int_customer_order_periods') }}
    where period_grain = 'month'
),

churn_periods as (
    select * from {{ ref('int_churn_periods_counted') }}
    where period_grain = 'month'
),

survey_answers_monthly as (
    select
        cast({{ dbt.date_trunc('month', 'responded_date') }} as date) as month_start,
        {{ csat_score_numerator() }} as csat_score_numerator,
        {{ csat_score_denominator() }} as csat_score_denominator,
        {{ csat_score() }} as csat_score,
        {{ nps_numerator() }} as nps_numerator,
        {{ nps_denominator() }} as nps_denominator,
        {{ nps() }} as nps,
        {{ ces_score_numerator() }} as ces_score_numerator,
        {{ ces_score_denominator() }} as ces_score_denominator,
        {{ ces_score() }} as ces_score
    from survey_responses
    where responded_date is not null
    group by cast({{ dbt.date_trunc('month', 'responded_date') }} as date)
),

surveys_sent_monthly as (
    select
        cast({{ dbt.date_trunc('month', 'sent_date') }} as date) as month_start,
        {{ survey_response_rate_numerator() }} as survey_response_rate_numerator,
        {{ survey_response_rate_denominator() }} as survey_response_rate_denominator,
        {{ survey_response_rate() }} as survey_response_rate
    from survey_responses
    group by cast({{ dbt.date_trunc('month', 'sent_date') }} as date)
),

calls_monthly as (
    select
        cast({{ dbt.date_trunc('month', 'queued_date') }} as date) as month_start,
        {{ answered_call_rate_numerator() }} as answered_call_rate_numerator,
        {{ answered_call_rate_denominator() }} as answered_call_rate_denominator,
        {{ answered_call_rate() }} as answered_call_rate,
        {{ call_service_level_numerator() }} as call_service_level_numerator,
        {{ call_service_level_denominator() }} as call_service_level_denominator,
        {{ call_service_level() }} as call_service_level,
        {{ average_wait_seconds_numerator() }} as average_wait_seconds_numerator,
        {{ average_wait_seconds_denominator() }} as average_wait_seconds_denominator,
        {{ average_wait_seconds() }} as average_wait_seconds,
        {{ average_handle_seconds_numerator() }} as average_handle_seconds_numerator,
        {{ average_handle_seconds_denominator() }} as average_handle_seconds_denominator,
        {{ average_handle_seconds() }} as average_handle_seconds
    from calls
    group by cast({{ dbt.date_trunc('month', 'queued_date') }} as date)
),

reviews_monthly as (
    select
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as month_start,
        {{ positive_feedback_rate_numerator() }} as positive_feedback_rate_numerator,
        {{ positive_feedback_rate_denominator() }} as positive_feedback_rate_denominator,
        {{ positive_feedback_rate() }} as positive_feedback_rate,
        {{ negative_feedback_rate_numerator() }} as negative_feedback_rate_numerator,
        {{ negative_feedback_rate_denominator() }} as negative_feedback_rate_denominator,
        {{ negative_feedback_rate() }} as negative_feedback_rate
    from reviews
    group by cast({{ dbt.date_trunc('month', 'created_date') }} as date)
),

orders_monthly as (
    select
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as month_start,
        {{ order_defect_rate_numerator() }} as order_defect_rate_numerator,
        {{ order_defect_rate_denominator() }} as order_defect_rate_denominator,
        {{ order_defect_rate() }} as order_defect_rate,
        {{ cancellation_rate_numerator() }} as cancellation_rate_numerator,
        {{ cancellation_rate_denominator() }} as cancellation_rate_denominator,
        {{ cancellation_rate() }} as cancellation_rate,
        {{ on_time_shipment_rate_numerator() }} as on_time_shipment_rate_numerator,
        {{ on_time_shipment_rate_denominator() }} as on_time_shipment_rate_denominator,
        {{ on_time_shipment_rate() }} as on_time_shipment_rate,
        {{ repeat_sales_count() }} as repeat_sales_count,
        {{ repeat_sales_amount() }} as repeat_sales_amount
    from orders
    group by cast({{ dbt.date_trunc('month', 'ordered_date') }} as date)
),

purchases_monthly as (
    select
        period_start as month_start,
        {{ repeat_purchase_rate_numerator() }} as repeat_purchase_rate_numerator,
        {{ repeat_purchase_rate_denominator() }} as repeat_purchase_rate_denominator,
        {{ repeat_purchase_rate() }} as repeat_purchase_rate,
        {{ cross_sell_rate_numerator() }} as cross_sell_rate_numerator,
        {{ cross_sell_rate_denominator() }} as cross_sell_rate_denominator,
        {{ cross_sell_rate() }} as cross_sell_rate,
        {{ upsell_rate_numerator() }} as upsell_rate_numerator,
        {{ upsell_rate_denominator() }} as upsell_rate_denominator,
        {{ upsell_rate() }} as upsell_rate
    from customer_order_periods
    group by period_start
),

churn_monthly as (
    select
        period_start as month_start,
        {{ churn_rate_numerator() }} as churn_rate_numerator,
        {{ churn_rate_denominator() }} as churn_rate_denominator,
        {{ churn_rate() }} as churn_rate
    from churn_periods
    group by period_start
),

{#- each monthly CTE and the metrics it computes (each as <metric>, _numerator, _denominator) #}
{%- set metrics_by_cte = [
    ('survey_answers_monthly', ['csat_score', 'nps', 'ces_score']),
    ('surveys_sent_monthly', ['survey_response_rate']),
    ('calls_monthly', ['answered_call_rate', 'call_service_level', 'average_wait_seconds', 'average_handle_seconds']),
    ('reviews_monthly', ['positive_feedback_rate', 'negative_feedback_rate']),
    ('orders_monthly', ['order_defect_rate', 'cancellation_rate', 'on_time_shipment_rate']),
    ('purchases_monthly', ['repeat_purchase_rate', 'cross_sell_rate', 'upsell_rate']),
    ('churn_monthly', ['churn_rate']),
] %}

months as (
    {%- for cte, metrics in metrics_by_cte %}
    select month_start from {{ cte }}
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        months.month_start,
        {%- for cte, metrics in metrics_by_cte %}
        {%- for metric in metrics %}
        {{ cte }}.{{ metric }},
        coalesce({{ cte }}.{{ metric }}_numerator, 0) as {{ metric }}_numerator,
        coalesce({{ cte }}.{{ metric }}_denominator, 0) as {{ metric }}_denominator,
        {%- endfor %}
        {%- endfor %}
        coalesce(orders_monthly.repeat_sales_count, 0) as repeat_sales_count,
        coalesce(orders_monthly.repeat_sales_amount, 0) as repeat_sales_amount
    from months
    left join survey_answers_monthly
        on months.month_start = survey_answers_monthly.month_start
    left join surveys_sent_monthly
        on months.month_start = surveys_sent_monthly.month_start
    left join calls_monthly
        on months.month_start = calls_monthly.month_start
    left join reviews_monthly
        on months.month_start = reviews_monthly.month_start
    left join orders_monthly
        on months.month_start = orders_monthly.month_start
    left join purchases_monthly
        on months.month_start = purchases_monthly.month_start
    left join churn_monthly
        on months.month_start = churn_monthly.month_start
)

select * from final

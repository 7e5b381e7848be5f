{#
    Marketplace feedback and order-health formulas (docs/metrics.md, customer outcome). Aggregate
    expressions: feedback over fct_reviews rows (date by created_date), order health over
    fct_orders rows (date by ordered_date). Signatures:

      positive_feedback_rate(positive='is_positive')                % of reviews rated 4-5, 0-100
      positive_feedback_rate_numerator(positive='is_positive')      reviews rated 4-5
      positive_feedback_rate_denominator(positive='is_positive')    reviews
      negative_feedback_rate(negative='is_negative')                % of reviews rated 1-2, 0-100
      negative_feedback_rate_numerator(negative='is_negative')      reviews rated 1-2
      negative_feedback_rate_denominator(negative='is_negative')    reviews
      order_defect_rate(defective='is_defective')                   % of orders negatively reviewed, A-to-z claimed or charged back
      order_defect_rate_numerator(defective='is_defective')         defective orders
      order_defect_rate_denominator(defective='is_defective')       orders
      cancellation_rate(cancelled='is_cancelled')                   % of orders cancelled
      cancellation_rate_numerator(cancelled='is_cancelled')         cancelled orders
      cancellation_rate_denominator(cancelled='is_cancelled')       orders
      on_time_shipment_rate(on_time='is_shipped_on_time')           % of shipped orders shipped on time
      on_time_shipment_rate_numerator(on_time='is_shipped_on_time') shipped on time
      on_time_shipment_rate_denominator(on_time='is_shipped_on_time') shipped orders with a known flag
                                                                    (the flag is null for orders never shipped)
      repeat_sales_count(returning='is_returning_customer')         orders by returning customers (a count)
      repeat_sales_amount(returning='is_returning_customer', amount='amount')
                                                                    their amount (a sum)
      repeat_sales_order_share(returning='is_returning_customer')   % of orders from returning customers
      repeat_sales_order_share_numerator / _denominator             orders by returning customers / orders
      repeat_sales_amount_share(returning='is_returning_customer', amount='amount')
                                                                    % of the amount from returning customers
      repeat_sales_amount_share_numerator / _denominator            their amount / the amount of every order
#}

{% macro positive_feedback_rate_numerator(positive='is_positive') -%}
    {{ support_warehouse.metric_flag_count(positive) }}
{%- endmacro %}

{% macro positive_feedback_rate_denominator(positive='is_positive') -%}
    {{ support_warehouse.metric_scope_count(positive) }}
{%- endmacro %}

{% macro positive_feedback_rate(positive='is_positive') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.positive_feedback_rate_numerator(positive),
        support_warehouse.positive_feedback_rate_denominator(positive),
        100
    ) }}
{%- endmacro %}

{% macro negative_feedback_rate_numerator(negative='is_negative') -%}
    {{ support_warehouse.metric_flag_count(negative) }}
{%- endmacro %}

{% macro negative_feedback_rate_denominator(negative='is_negative') -%}
    {{ support_warehouse.metric_scope_count(negative) }}
{%- endmacro %}

{% macro negative_feedback_rate(negative='is_negative') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.negative_feedback_rate_numerator(negative),
        support_warehouse.negative_feedback_rate_denominator(negative),
        100
    ) }}
{%- endmacro %}

{% macro order_defect_rate_numerator(defective='is_defective') -%}
    {{ support_warehouse.metric_flag_count(defective) }}
{%- endmacro %}

{% macro order_defect_rate_denominator(defective='is_defective') -%}
    {{ support_warehouse.metric_scope_count(defective) }}
{%- endmacro %}

{% macro order_defect_rate(defective='is_defective') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.order_defect_rate_numerator(defective),
        support_warehouse.order_defect_rate_denominator(defective),
        100
    ) }}
{%- endmacro %}

{% macro cancellation_rate_numerator(cancelled='is_cancelled') -%}
    {{ support_warehouse.metric_flag_count(cancelled) }}
{%- endmacro %}

{% macro cancellation_rate_denominator(cancelled='is_cancelled') -%}
    {{ support_warehouse.metric_scope_count(cancelled) }}
{%- endmacro %}

{% macro cancellation_rate(cancelled='is_cancelled') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.cancellation_rate_numerator(cancelled),
        support_warehouse.cancellation_rate_denominator(cancelled),
        100
    ) }}
{%- endmacro %}

{% macro on_time_shipment_rate_numerator(on_time='is_shipped_on_time') -%}
    {{ support_warehouse.metric_flag_count(on_time) }}
{%- endmacro %}

{% macro on_time_shipment_rate_denominator(on_time='is_shipped_on_time') -%}
    {{ support_warehouse.metric_scope_count(on_time) }}
{%- endmacro %}

{% macro on_time_shipment_rate(on_time='is_shipped_on_time') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.on_time_shipment_rate_numerator(on_time),
        support_warehouse.on_time_shipment_rate_denominator(on_time),
        100
    ) }}
{%- endmacro %}

{% macro repeat_sales_count(returning='is_returning_customer') -%}
    {{ support_warehouse.metric_flag_count(returning) }}
{%- endmacro %}

{% macro repeat_sales_amount(returning='is_returning_customer', amount='amount') -%}
    sum(case when {{ returning }} then {{ amount }} else 0 end)
{%- endmacro %}

{% macro repeat_sales_order_share_numerator(returning='is_returning_customer') -%}
    {{ support_warehouse.repeat_sales_count(returning) }}
{%- endmacro %}

{% macro repeat_sales_order_share_denominator(returning='is_returning_customer') -%}
    {{ support_warehouse.metric_scope_count(returning) }}
{%- endmacro %}

{% macro repeat_sales_order_share(returning='is_returning_customer') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.repeat_sales_order_share_numerator(returning),
        support_warehouse.repeat_sales_order_share_denominator(returning),
        100
    ) }}
{%- endmacro %}

{% macro repeat_sales_amount_share_numerator(returning='is_returning_customer', amount='amount') -%}
    {{ support_warehouse.repeat_sales_amount(returning, amount) }}
{%- endmacro %}

{% macro repeat_sales_amount_share_denominator(returning='is_returning_customer', amount='amount') -%}
    sum(case when {{ returning }} is not null then {{ amount }} end)
{%- endmacro %}

{% macro repeat_sales_amount_share(returning='is_returning_customer', amount='amount') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.repeat_sales_amount_share_numerator(returning, amount),
        support_warehouse.repeat_sales_amount_share_denominator(returning, amount),
        100
    ) }}
{%- endmacro %}

{#
    Churn formula (SPEC §2: customers active at period start whose churned_at falls in the period
    / customers active at start), an aggregate expression over int_customer_churn_periods rows
    (one row per customer active at the start of a month, quarter or year); filter one
    period_grain and group by period_start. Worked example (seed 001): 100 customers, 50 of them
    gone 12 months later -> yearly churn 50. Signatures:

      churn_rate(churned='is_churned_in_period', active='is_active_at_period_start')   % churned, 0-100
      churn_rate_numerator(churned='is_churned_in_period')                            customers who churned in the period
      churn_rate_denominator(active='is_active_at_period_start')                      customers active at period start
#}

{% macro churn_rate_numerator(churned='is_churned_in_period') -%}
    {{ support_warehouse.metric_flag_count(churned) }}
{%- endmacro %}

{% macro churn_rate_denominator(active='is_active_at_period_start') -%}
    {{ support_warehouse.metric_flag_count(active) }}
{%- endmacro %}

{% macro churn_rate(churned='is_churned_in_period', active='is_active_at_period_start') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.churn_rate_numerator(churned),
        support_warehouse.churn_rate_denominator(active),
        100
    ) }}
{%- endmacro %}

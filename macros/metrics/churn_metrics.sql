{#
    Churn formula (docs/metrics.md: customers active at period start whose churned_at falls in the period
    / customers active at start), an aggregate expression over int_churn_periods_counted rows
    (customers counted per customer tier and day, ISO week, month, quarter or year: who counts as
    active at the start and as churned is decided there, once); filter one period_grain and group
    by period_start (summing over tiers). Worked example (seed 001): 100 customers, 50 of them
    gone 12 months later -> yearly churn 50. Signatures:

      churn_rate(churned='customers_churned', active='customers_active_at_start')   % churned, 0-100
      churn_rate_numerator(churned='customers_churned')                            customers who churned in the period
      churn_rate_denominator(active='customers_active_at_start')                   customers active at period start
#}

{% macro churn_rate_numerator(churned='customers_churned') -%}
    cast(sum({{ churned }}) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro churn_rate_denominator(active='customers_active_at_start') -%}
    cast(sum({{ active }}) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro churn_rate(churned='customers_churned', active='customers_active_at_start') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.churn_rate_numerator(churned),
        support_warehouse.churn_rate_denominator(active),
        100
    ) }}
{%- endmacro %}

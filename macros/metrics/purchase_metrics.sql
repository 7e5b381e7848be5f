{#
    Purchase-behaviour formulas (docs/metrics.md, customer outcome), aggregate expressions over
    int_customer_order_periods rows (one row per customer, period_grain and period_start with an
    order in the period); filter one period_grain and group by period_start. Signatures:

      repeat_purchase_rate(returning='is_returning_customer')               % of ordering customers who had ordered before
      repeat_purchase_rate_numerator(returning='is_returning_customer')     customers ordering in the period who had
                                                                            ordered before (earlier in the period or
                                                                            any time before): an order not their first
      repeat_purchase_rate_denominator(returning='is_returning_customer')   customers with >= 1 order in the period
      cross_sell_rate(cross_sell='has_cross_sell', returning='is_returning_customer')
                                                                            % of returning customers who bought a new category
      cross_sell_rate_numerator(cross_sell='has_cross_sell')                returning customers with a new-category order
      cross_sell_rate_denominator(returning='is_returning_customer')        returning customers
      upsell_rate(upsell='has_upsell', returning='is_returning_customer')   % of returning customers who bought a higher
                                                                            tier in a category they bought before
      upsell_rate_numerator(upsell='has_upsell')                            returning customers with an up-sell order
      upsell_rate_denominator(returning='is_returning_customer')            returning customers
#}

{% macro repeat_purchase_rate_numerator(returning='is_returning_customer') -%}
    {{ support_warehouse.metric_flag_count(returning) }}
{%- endmacro %}

{% macro repeat_purchase_rate_denominator(returning='is_returning_customer') -%}
    {{ support_warehouse.metric_scope_count(returning) }}
{%- endmacro %}

{% macro repeat_purchase_rate(returning='is_returning_customer') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.repeat_purchase_rate_numerator(returning),
        support_warehouse.repeat_purchase_rate_denominator(returning),
        100
    ) }}
{%- endmacro %}

{% macro cross_sell_rate_numerator(cross_sell='has_cross_sell') -%}
    {{ support_warehouse.metric_flag_count(cross_sell) }}
{%- endmacro %}

{% macro cross_sell_rate_denominator(returning='is_returning_customer') -%}
    {{ support_warehouse.metric_flag_count(returning) }}
{%- endmacro %}

{% macro cross_sell_rate(cross_sell='has_cross_sell', returning='is_returning_customer') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.cross_sell_rate_numerator(cross_sell),
        support_warehouse.cross_sell_rate_denominator(returning),
        100
    ) }}
{%- endmacro %}

{% macro upsell_rate_numerator(upsell='has_upsell') -%}
    {{ support_warehouse.metric_flag_count(upsell) }}
{%- endmacro %}

{% macro upsell_rate_denominator(returning='is_returning_customer') -%}
    {{ support_warehouse.metric_flag_count(returning) }}
{%- endmacro %}

{% macro upsell_rate(upsell='has_upsell', returning='is_returning_customer') -%}
    {{ support_warehouse.metric_ratio(
        support_warehouse.upsell_rate_numerator(upsell),
        support_warehouse.upsell_rate_denominator(returning),
        100
    ) }}
{%- endmacro %}

{# Continuous percentile (SPEC §2: medians and p90 are percentile_cont). #}
{% macro percentile_cont(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'support_warehouse')(expr, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
{%- endmacro %}

{# Spark 3.4+: the ordered-set form, linear interpolation between the two nearest values. #}
{% macro spark__percentile_cont(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro median(expr) -%}
    {{ support_warehouse.percentile_cont(expr, 0.5) }}
{%- endmacro %}

{# Continuous percentile (docs/metrics.md: medians and p90 are percentile_cont). #}
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

{#
    percentile_cont of `expr` at fractions[index], in a select that asks for every fraction of
    `fractions` (same expr): engines that rank once for several fractions get one aggregate state
    for all of them (DuckDB merges the identical list calls into one quantile). Exact everywhere.
#}
{% macro percentile_cont_of(expr, fractions, index) -%}
    {{ return(adapter.dispatch('percentile_cont_of', 'support_warehouse')(expr, fractions, index)) }}
{%- endmacro %}

{# Portable: one percentile_cont per fraction (each its own ranking). #}
{% macro default__percentile_cont_of(expr, fractions, index) -%}
    {{ support_warehouse.percentile_cont(expr, fractions[index]) }}
{%- endmacro %}

{# DuckDB: quantile_cont over a list of fractions returns the list of percentiles (1-based). #}
{% macro duckdb__percentile_cont_of(expr, fractions, index) -%}
    quantile_cont({{ expr }}, [{{ fractions | join(', ') }}])[{{ index + 1 }}]
{%- endmacro %}

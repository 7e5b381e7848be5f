{#
    Building blocks of the metric formulas in macros/metrics/ (issue 4). Signatures:

      metric_count_where(condition)                  -> sum(case when <condition> then 1 else 0 end), as bigint
      metric_flag_count(flag)                        -> rows whose boolean column <flag> is true
      metric_scope_count(column)                     -> rows whose <column> is not null (a metric's population)
      metric_ratio(numerator, denominator, scale=1)  -> scale * numerator / denominator; null when the denominator is 0

    Every metric macro comes in three parts, all aggregate expressions over the rows of its fact:
    <metric_id>_numerator(...), <metric_id>_denominator(...) and <metric_id>(...) = the value.
    Percentages use scale 100 (0-100). Because numerator and denominator are additive, a BI tool or
    kpi_scorecard re-aggregates a metric as metric_ratio(sum(numerator), sum(denominator), scale).
    Only portable SQL (sum/case/nullif/cast), so the same expressions run on DuckDB and Spark.
#}

{% macro metric_count_where(condition) -%}
    cast(sum(case when {{ condition }} then 1 else 0 end) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro metric_flag_count(flag) -%}
    {{ support_warehouse.metric_count_where(flag) }}
{%- endmacro %}

{% macro metric_scope_count(column) -%}
    {{ support_warehouse.metric_count_where(column ~ ' is not null') }}
{%- endmacro %}

{% macro metric_ratio(numerator, denominator, scale=1) -%}
    ({{ scale }} * cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0))
{%- endmacro %}

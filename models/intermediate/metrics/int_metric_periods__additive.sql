{#
    Flow metrics (catalog aggregation 'additive': counts, sums and ratios of sums) per day, ISO
    week and month: the daily sums rolled up by the same macro that made them (macro
    additive_metric_periods). The ticket metrics' periods are kept by delta
    (int_metric_periods__additive_tickets), the others rebuilt whole
    (int_metric_periods__additive_other_facts).
#}
{{ config(materialized=view_or_table_on_spark()) }}

{{ union_metric_parts(
    ref('int_metric_periods__additive_tickets'),
    ref('int_metric_periods__additive_other_facts'),
    ['metric_id', 'period_grain', 'period_start', 'dimension', 'dimension_value'],
) }}

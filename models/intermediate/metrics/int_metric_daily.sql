{#
    Every observation cut by the dimensions its metric lists in the catalog and summed per day:
    the one relation the additive, snapshot and rolling paths read (macro
    aggregate_metric_observations). One row per metric, day, dimension and dimension value. The
    ticket metrics are maintained by delta (int_metric_daily__tickets), the others rebuilt whole
    (int_metric_daily__other_facts).
#}
{{ config(materialized=view_or_table_on_spark()) }}

{{ union_metric_parts(
    ref('int_metric_daily__tickets'),
    ref('int_metric_daily__other_facts'),
    ['metric_id', 'observation_date', 'dimension', 'dimension_value'],
) }}

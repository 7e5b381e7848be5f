{#
    int_metric_periods__additive's ticket metrics, by delta: a night recomputes the periods of its
    change set int_metric_ticket_periods_changed (every grain starting on one of its days) from
    int_metric_daily__tickets and replaces them (replace_changed by period_start).
#}
-- depends_on: {{ ref('int_metric_ticket_periods_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='period_start', change_set='int_metric_ticket_periods_changed',
) }}

{{ additive_metric_periods(
    ref('int_metric_daily__tickets'),
    ref('metric_catalog'),
    ref('int_metric_ticket_periods_changed') if is_incremental() else none,
) }}

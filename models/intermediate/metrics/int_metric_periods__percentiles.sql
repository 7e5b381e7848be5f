{#
    Percentile metrics (catalog aggregation 'percentile': *_median, *_p90) per day, ISO week and
    month: percentile_cont over the raw values of int_metric_measures, cut like their _mean metric
    (`derived_from`). Percentiles do not add up: numerator is null and denominator holds the
    number of values ranked (a sample size, not for re-aggregation).

    Built one (dimension, grain) part per statement: the table holds the first part and a
    post-hook inserts each other one. Percentile states hold every value and cannot spill, and
    one statement keeps all its parts' states at once (out of memory at ten million tickets);
    statements run in turn and each frees its own. Only the parts of dimensions some percentile
    metric is cut by run (metric_percentile_active_parts, read from the catalog when the model
    runs); the others would be empty. Unit tests run the select without hooks, so they set var
    percentiles_in_one_statement to select every part at once. Spark selects every part at once
    too: each statement there plans the measures' whole view chain again on the driver (most of
    the node's time on Spark), and its percentile aggregate falls back to sorting by group
    rather than holding every group's state.

    By delta like the additive periods: a night ranks again only the periods of its change set
    int_metric_ticket_periods_changed (every grain starting on one of its days: the measures are
    fct_tickets' and dated like the ticket metrics) and replaces them (replace_changed by
    period_start, so a period left with no value loses its rows).
#}
-- depends_on: {{ ref('int_metric_ticket_periods_changed') }} (read on a night only; dbt parses as a full build)

{%- set grains = ['day', 'week', 'month'] %}
{%- set one_statement = var('percentiles_in_one_statement') or target.type == 'spark' %}

{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='period_start', change_set='int_metric_ticket_periods_changed',
    post_hook=[] if one_statement else metric_percentile_inserts(grains),
) }}

{{ metric_percentile_periods(
    ref('int_metric_measures'),
    ref('metric_catalog'),
    ref('int_metric_catalog_dimensions'),
    metric_percentile_parts(grains) if one_statement else metric_percentile_active_parts(grains)[:1],
    periods=ref('int_metric_ticket_periods_changed') if is_incremental() else none,
) }}

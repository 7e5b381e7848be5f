{#
    int_metric_periods__additive's metrics of the facts other than fct_tickets, rebuilt whole
    every night from int_metric_daily__other_facts.
#}
{{ config(materialized='table') }}

{{ additive_metric_periods(ref('int_metric_daily__other_facts'), ref('metric_catalog')) }}

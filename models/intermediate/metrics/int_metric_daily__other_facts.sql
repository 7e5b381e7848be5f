{{ config(materialized='table') }}

{#
    int_metric_daily's metrics other than fct_tickets' (int_metric_observations), rebuilt whole
    every night (DECISIONS.md, "The ticket metrics' days are maintained by delta").
#}

with

observations as (
    select * from {{ ref('int_metric_observations') }}
),

catalog_dimensions as (
    select * from {{ ref('int_metric_catalog_dimensions') }}
),

final as (
    {{ daily_metric_rows('observations', 'catalog_dimensions') }}
)

select * from final

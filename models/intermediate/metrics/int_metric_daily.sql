{{ config(materialized='table') }}

{#
    Every observation cut by the dimensions its metric lists in the catalog and summed per day:
    the one table the additive, snapshot and rolling paths read (macro
    aggregate_metric_observations). One row per metric, day, dimension and dimension value.
#}

with

observations as (
    select * from {{ ref('int_metric_observations') }}
),

catalog_dimensions as (
    select * from {{ ref('int_metric_catalog_dimensions') }}
),

daily as (
    {{ aggregate_metric_observations('observations', 'catalog_dimensions', grains=['day']) }}
),

final as (
    select
        metric_id,
        period_start as observation_date,
        dimension,
        dimension_value,
        numerator,
        denominator
    from daily
)

select * from final

{{ config(severity='warn') }}

{#
    Every dimension the catalog lists for a metric appears in kpi_scorecard (a warning: a small
    or young dataset may lack, say, marketplace reviews; a typo in the catalog shows up here).
#}

with

catalog_dimensions as (
    select * from {{ ref('int_metric_catalog_dimensions') }}
),

scorecard as (
    select distinct
        metric_id,
        dimension
    from {{ ref('kpi_scorecard') }}
),

final as (
    select
        catalog_dimensions.metric_id,
        catalog_dimensions.dimension
    from catalog_dimensions
    left join scorecard
        on
            catalog_dimensions.metric_id = scorecard.metric_id
            and catalog_dimensions.dimension = scorecard.dimension
    where scorecard.metric_id is null
)

select * from final

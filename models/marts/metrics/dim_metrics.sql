{#
    The metric catalog as a mart (published with the other marts, so BI tools and
    print_scorecard find names, units, definitions and targets next to kpi_scorecard): one row per
    metric of seeds/metric_catalog.csv with its target from seeds/metric_targets.csv.
#}

with

catalog as (
    select * from {{ ref('metric_catalog') }}
),

targets as (
    select * from {{ ref('metric_targets') }}
),

final as (
    select
        catalog.metric_id,
        catalog.metric_name,
        catalog.category,
        catalog.description,
        catalog.unit,
        catalog.value_type,
        catalog.aggregation,
        catalog.dimensions,
        catalog.grains,
        catalog.dated_by,
        catalog.derived_from,
        catalog.is_spec_metric,
        catalog.source_articles,
        catalog.display_order,
        targets.direction as target_direction,
        cast(targets.target_value as double) as target_value,
        cast(targets.target_min as double) as target_min,
        cast(targets.target_max as double) as target_max,
        targets.source_note as target_source,
        targets.source_article as target_source_article,
        targets.is_house_default as is_target_house_default,
        cast(targets.min_sample as double) as target_min_sample
    from catalog
    left join targets
        on catalog.metric_id = targets.metric_id
)

select * from final

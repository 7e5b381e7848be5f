{#
    Percentile metrics are ranked in the cuts of the metric they derive from (derived_from), so
    the catalog must list the same dimensions and grains for both; and derived_from must name a
    catalog metric. Fails with one row per inconsistent catalog entry.
#}

with

catalog as (
    select * from {{ ref('metric_catalog') }}
),

final as (
    select
        derived.metric_id,
        derived.derived_from,
        derived.dimensions,
        base.dimensions as base_dimensions,
        derived.grains,
        base.grains as base_grains
    from catalog as derived
    left join catalog as base
        on derived.derived_from = base.metric_id
    where
        derived.aggregation in ('percentile', 'share')
        and (
            base.metric_id is null
            or (derived.aggregation = 'percentile' and derived.dimensions <> base.dimensions)
            or derived.grains <> base.grains
        )
)

select * from final

{#
    Share metrics (catalog aggregation 'share': ticket_type_share): each dimension value's part of
    the period total of the metric named in `derived_from` (tickets_created). Numerator = the
    part, denominator = the period's total (so dimension 'all' is 100; shares are not re-added
    across values, the denominator is the same for all of them).
#}

with

additive as (
    select * from {{ ref('int_metric_periods__additive') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

catalog_dimensions as (
    select * from {{ ref('int_metric_catalog_dimensions') }}
),

share_metrics as (
    select
        metric_id,
        derived_from
    from catalog
    where aggregation = 'share'
),

parts as (
    select
        share_metrics.metric_id,
        additive.metric_id as base_metric_id,
        additive.period_grain,
        additive.period_start,
        additive.dimension,
        additive.dimension_value,
        additive.numerator
    from additive
    inner join share_metrics
        on additive.metric_id = share_metrics.derived_from
    inner join catalog_dimensions
        on
            share_metrics.metric_id = catalog_dimensions.metric_id
            and additive.dimension = catalog_dimensions.dimension
),

totals as (
    select
        metric_id as base_metric_id,
        period_grain,
        period_start,
        numerator as total
    from additive
    where dimension = 'all'
),

final as (
    select
        parts.metric_id,
        parts.period_grain,
        parts.period_start,
        parts.dimension,
        parts.dimension_value,
        parts.numerator,
        totals.total as denominator
    from parts
    inner join totals
        on
            parts.base_metric_id = totals.base_metric_id
            and parts.period_grain = totals.period_grain
            and parts.period_start = totals.period_start
)

select * from final

{#
    Scorecard values stay in their unit's range: percentages 0-100 (NPS -100..100), counts,
    means, rates and percentiles of durations never negative. resolution_flow_rate is a flow ratio
    (tickets solved in the period / tickets received in it), so it exceeds 100 when a period
    clears more than it receives; resolution_rate (of the tickets received, those solved) never does.
#}

with

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

final as (
    select
        scorecard.metric_id,
        scorecard.period_grain,
        scorecard.period_start,
        scorecard.dimension,
        scorecard.dimension_value,
        scorecard.value
    from scorecard
    inner join catalog
        on scorecard.metric_id = catalog.metric_id
    where
        scorecard.value < case when scorecard.metric_id = 'nps' then -100 else 0 end
        or (
            catalog.value_type = 'percentage'
            and scorecard.metric_id <> 'resolution_flow_rate'
            and scorecard.value > 100.000001
        )
)

select * from final

{#
    Every metric of seeds/metric_catalog.csv (the one list of the articles' metric_ids, docs/metrics.md, plus the
    documented extras) has at least one non-null value for dimension 'all' at every grain the
    catalog lists for it. Fails with one row per missing metric and grain.
    Warn, not error: a night whose extracts lack a whole source (no telephony, say) must
    still publish; the pytest suite holds the demo data to every metric.
#}
{{ config(severity='warn') }}

with

catalog as (
    select * from {{ ref('metric_catalog') }}
),

scorecard as (
    select * from {{ ref('kpi_scorecard') }}
    where
        dimension = 'all'
        and value is not null
),

expected as (
    {%- for grain in ['day', 'week', 'month'] %}
    select
        metric_id,
        is_spec_metric,
        '{{ grain }}' as period_grain
    from catalog
    where ' ' || grains || ' ' like '% {{ grain }} %'
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

present as (
    select distinct
        metric_id,
        period_grain
    from scorecard
),

final as (
    select
        expected.metric_id,
        expected.is_spec_metric,
        expected.period_grain,
        'no non-null value for dimension all' as problem
    from expected
    left join present
        on
            expected.metric_id = present.metric_id
            and expected.period_grain = present.period_grain
    where present.metric_id is null
)

select * from final

{#
    CSAT by team and month (articles 001, 002, 004): satisfied CSAT answers / CSAT answers x 100,
    per team of the surveyed ticket's agent, dated by the answer; kpi_scorecard's csat_score cut
    by team ('(unassigned)' for surveys without an agent).
#}

with

survey_responses as (
    select * from {{ ref('fct_survey_responses') }}
    where is_csat_satisfied is not null
),

monthly as (
    select
        cast({{ dbt.date_trunc('month', 'responded_date') }} as date) as month_start,
        coalesce(team, '(unassigned)') as team,
        is_csat_satisfied
    from survey_responses
),

final as (
    select
        month_start,
        team,
        count(*) as csat_answers,
        100.0 * sum(case when is_csat_satisfied then 1 else 0 end) / count(*) as csat_score
    from monthly
    group by
        month_start,
        team
)

select * from final
order by month_start, team

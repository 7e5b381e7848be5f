{#
    CSAT by team and month (articles 001, 002, 004): satisfied CSAT answers / CSAT answers x 100,
    per team of the surveyed ticket's agent, dated by the answer; kpi_scorecard's csat_score cut
    by team ('(unassigned)' for surveys without an agent).
#}

with

csat_answers as (
    select
        cast({{ dbt.date_trunc('month', 'responded_date') }} as date) as month_start,
        coalesce(team, '(unassigned)') as team,
        is_csat_satisfied
    from {{ ref('fct_survey_responses') }}
    where is_csat_satisfied is not null
)

select
    month_start,
    team,
    count(*) as csat_answers,
    100.0 * sum(case when is_csat_satisfied then 1 else 0 end) / count(*) as csat_score
from csat_answers
group by
    month_start,
    team
order by month_start, team

{#
    Survey metrics from fct_survey_responses with the formulas of macros/metrics/survey_metrics.sql:
    answers (CSAT, NPS, CES) dated by responded_date, survey_response_rate by sent_date.
    Channel, type and agent come from the surveyed ticket (null when the survey has none).
#}

with

survey_responses as (
    select * from {{ ref('fct_survey_responses') }}
),

{%- set survey_dimensions = {
    'channel': 'channel',
    'agent_id': 'agent_id',
    'team': 'team',
    'ticket_type': 'ticket_type',
    'customer_tier': 'customer_tier',
} %}

answers as (
    {{ metric_cube('survey_responses', 'responded_date',
        ['csat_score', 'nps', 'ces_score', 'ces_7_score', 'ces_10_score'],
        dimensions=survey_dimensions) }}
),

sent as (
    {{ metric_cube('survey_responses', 'sent_date',
        ['survey_response_rate'],
        dimensions=survey_dimensions) }}
),

final as (
    select * from answers
    union all
    select * from sent
)

select * from final

-- depends_on: {{ ref('int_survey_responses_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='response_id', change_set='int_survey_responses_changed',
) }}

with

responses as (
    select * from {{ ref('int_survey_responses_validated') }}
    where reject_reason is null
    {%- if is_incremental() %}
        and response_id in (select response_id from {{ ref('int_survey_responses_changed') }})
    {%- endif %}
),

tickets as (
    select * from {{ ref('int_tickets_unioned') }}
),

customers as (
    select * from {{ ref('int_customers_unioned') }}
),

agents as (
    select * from {{ ref('int_agents_unioned') }}
),

attributed as (
    select
        responses.response_id,
        responses.survey_type,
        responses.survey_scale,
        coalesce(responses.customer_id, tickets.customer_id) as customer_id,
        responses.ticket_id,
        coalesce(responses.agent_id, tickets.assignee_id) as agent_id,
        case
            when responses.agent_id is not null then 'survey'
            when tickets.assignee_id is not null then 'ticket_assignee'
        end as agent_source,
        tickets.channel,
        tickets.ticket_type,
        responses.sent_at,
        responses.responded_at,
        responses.is_responded,
        responses.score,
        responses.has_comment
    from responses
    left join tickets
        on responses.ticket_id = tickets.ticket_id
),

classified as (
    select
        *,
        {{ survey_csat_satisfied() }} as is_csat_satisfied,
        {{ survey_nps_category() }} as nps_category,
        {{ survey_ces_value() }} as ces_value
    from attributed
),

final as (
    select
        classified.response_id,
        classified.survey_type,
        classified.survey_scale,
        classified.customer_id,
        customers.customer_tier,
        classified.ticket_id,
        classified.agent_id,
        classified.agent_source,
        agents.team,
        classified.channel,
        classified.ticket_type,
        classified.sent_at,
        {{ reporting_date('classified.sent_at') }} as sent_date,
        classified.responded_at,
        {{ reporting_date('classified.responded_at') }} as responded_date,
        classified.is_responded,
        classified.score,
        classified.has_comment,
        classified.is_csat_satisfied,
        classified.nps_category,
        classified.ces_value
    from classified
    left join customers
        on classified.customer_id = customers.customer_id
    left join agents
        on classified.agent_id = agents.agent_id
)

select * from final

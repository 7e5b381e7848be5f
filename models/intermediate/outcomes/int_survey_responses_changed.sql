{#- The change set of fct_survey_responses (macros/incremental/changes.sql). -#}
{{ outcome_change_set('int_survey_responses_validated', 'response_id', agent_column='agent_id', ticket_people=true) }}

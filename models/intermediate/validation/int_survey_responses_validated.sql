{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='response_id',
) }}

{{ validate_ticket_reference('int_survey_responses_unioned', 'response_id') }}

{{ config(**sw_incremental_config('response_id')) }}

{{ validate_ticket_reference('int_survey_responses_unioned', scope_key='response_id') }}

{{ config(**sw_incremental_config('response_id')) }}

{{ validate_ticket_reference('stg_surveys__survey_responses', scope_key='response_id') }}

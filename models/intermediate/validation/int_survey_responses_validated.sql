{{ validate_ticket_reference('stg_surveys__survey_responses') }}

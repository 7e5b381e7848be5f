{{ base_surveys__survey_responses_sql(source('surveys', 'survey_responses')) }}

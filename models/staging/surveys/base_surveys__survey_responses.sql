{#
    Typing and reject rules: macros/staging/base/base_surveys__survey_responses.sql. A macro,
    because the night's stg_surveys__survey_responses and the rejects audit type subsets of the
    same raw rows with it (macros/staging/base_model_sql.sql).
#}
{{ base_surveys__survey_responses_sql(source('surveys', 'survey_responses')) }}

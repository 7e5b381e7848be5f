{#
    Typing and reject rules: macros/staging/base/base_helpdesk__self_service_sessions.sql. A
    macro, because the night's stg_helpdesk__self_service_sessions and the rejects audit type
    subsets of the same raw rows with it (macros/staging/base_model_sql.sql).
#}
{{ base_helpdesk__self_service_sessions_sql(source('helpdesk', 'self_service_sessions')) }}

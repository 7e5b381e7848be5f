{#
    Typing and reject rules: macros/staging/base/base_helpdesk__ticket_status_changes.sql. A
    macro, because the night's stg_helpdesk__ticket_status_changes and the rejects audit type
    subsets of the same raw rows with it (macros/staging/base_model_sql.sql).
#}
{{ base_helpdesk__ticket_status_changes_sql(source('helpdesk', 'ticket_status_changes')) }}

{#
    Typing and reject rules: macros/staging/base/base_helpdesk__tickets.sql. A macro, because
    the night's stg_helpdesk__tickets and the rejects audit type subsets of the same raw rows
    with it (macros/staging/base_model_sql.sql).
#}
{{ base_helpdesk__tickets_sql(source('helpdesk', 'tickets')) }}

{#
    Typing and reject rules: macros/staging/base/base_workforce__agent_shifts.sql. A macro,
    because the night's stg_workforce__agent_shifts and the rejects audit type subsets of the
    same raw rows with it (macros/staging/base_model_sql.sql).
#}
{{ base_workforce__agent_shifts_sql(source('workforce', 'agent_shifts')) }}

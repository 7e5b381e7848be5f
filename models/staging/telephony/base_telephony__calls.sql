{#
    Typing and reject rules: macros/staging/base/base_telephony__calls.sql. A macro, because the
    night's stg_telephony__calls and the rejects audit type subsets of the same raw rows with it
    (macros/staging/base_model_sql.sql).
#}
{{ base_telephony__calls_sql(source('telephony', 'calls')) }}

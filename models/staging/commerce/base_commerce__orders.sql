{#
    Typing and reject rules: macros/staging/base/base_commerce__orders.sql. A macro, because the
    night's stg_commerce__orders and the rejects audit type subsets of the same raw rows with it
    (macros/staging/base_model_sql.sql).
#}
{{ base_commerce__orders_sql(source('commerce', 'orders')) }}

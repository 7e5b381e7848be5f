{# The SQL of model base_commerce__orders, also run by the night's stg_commerce__orders and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_commerce__orders_sql(source_relation) -%}
{%- set key_columns = ['order_id'] %}
{%- set payload_columns = ['customer_id', 'ordered_at', 'product_id', 'quantity', 'amount', 'order_status', 'is_shipped_on_time',
    'has_a_to_z_claim', 'has_chargeback'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp_utc('ordered_at') }} as ordered_at,
        {{ clean_text('product_id') }} as product_id,
        {{ try_cast(clean_text('quantity'), dbt.type_int()) }} as quantity,
        {{ try_cast(clean_text('amount'), 'double') }} as amount,
        {{ clean_code('status') }} as order_status,
        {{ parse_boolean('shipped_on_time') }} as is_shipped_on_time,
        {{ parse_boolean('has_a_to_z_claim') }} as has_a_to_z_claim,
        {{ parse_boolean('has_chargeback') }} as has_chargeback,
        ordered_at as ordered_at_text,
        quantity as quantity_text,
        amount as amount_text,
        shipped_on_time as shipped_on_time_text,
        has_a_to_z_claim as has_a_to_z_claim_text,
        has_chargeback as has_chargeback_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', key_columns, payload_columns, [
        ['ordered_at is null', reason_with_value('ordered_at is missing or not an ISO-8601 timestamp', 'ordered_at_text')],
        implausible_timestamp_rule('ordered_at'),
        [untyped('quantity', 'quantity_text'), reason_with_value('quantity is not a whole number', 'quantity_text')],
        [untyped('amount', 'amount_text'), reason_with_value('amount is not a number', 'amount_text')],
        [untyped('is_shipped_on_time', 'shipped_on_time_text'), reason_with_value('shipped_on_time is not a boolean', 'shipped_on_time_text')],
        [untyped('has_a_to_z_claim', 'has_a_to_z_claim_text'), reason_with_value('has_a_to_z_claim is not a boolean', 'has_a_to_z_claim_text')],
        [untyped('has_chargeback', 'has_chargeback_text'), reason_with_value('has_chargeback is not a boolean', 'has_chargeback_text')],
        ['quantity < 0 or amount < 0', "'negative quantity or amount'"],
        [not_accepted('order_status', 'order_status'), reason_with_value('unknown order status', 'order_status')],
        ['customer_id is null', "'customer_id is missing'"],
    ]) }},

{{ base_final(key_columns, payload_columns) }}
{%- endmacro %}

{# The SQL of model base_commerce__reviews, also run by the night's stg_commerce__reviews and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_commerce__reviews_sql(source_relation) -%}
{%- set key_columns = ['review_id'] %}
{%- set payload_columns = ['customer_id', 'order_id', 'marketplace', 'rating', 'created_at'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('review_id') }} as review_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_code('marketplace') }} as marketplace,
        {{ try_cast(clean_text('rating'), dbt.type_int()) }} as rating,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        rating as rating_text,
        created_at as created_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', key_columns, payload_columns, [
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        implausible_timestamp_rule('created_at'),
        ['rating is null', reason_with_value('rating is missing or not a whole number', 'rating_text')],
        ['rating not between 1 and 5', reason_with_value('rating is outside 1-5', 'rating')],
        ['marketplace is null', "'marketplace is missing'"],
    ]) }},

{{ base_final(key_columns, payload_columns) }}
{%- endmacro %}

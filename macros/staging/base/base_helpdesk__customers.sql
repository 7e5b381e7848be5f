{# The SQL of model base_helpdesk__customers, also run by the night's stg_helpdesk__customers and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_helpdesk__customers_sql(source_relation) -%}
{%- set key_columns = ['customer_id'] %}
{%- set payload_columns = ['customer_name_hash', 'email_hash', 'customer_tier', 'country', 'created_at', 'churned_at'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ hash_pii('name') }} as customer_name_hash,
        {{ hash_pii('email') }} as email_hash,
        {{ clean_code('tier') }} as customer_tier,
        upper({{ clean_text('country') }}) as country,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('churned_at') }} as churned_at,
        created_at as created_at_text,
        churned_at as churned_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', key_columns, payload_columns, [
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        [untyped('churned_at', 'churned_at_text'), reason_with_value('churned_at is not an ISO-8601 timestamp', 'churned_at_text')],
        implausible_timestamp_rule('created_at'),
        implausible_timestamp_rule('churned_at'),
        [not_accepted('customer_tier', 'customer_tier'), reason_with_value('unknown tier', 'customer_tier')],
        ['churned_at < created_at', "'negative duration: churned_at is before created_at'"],
    ]) }},

{{ base_final(key_columns, payload_columns) }}
{%- endmacro %}

{# The SQL of model base_helpdesk__agents, also run by the night's stg_helpdesk__agents and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_helpdesk__agents_sql(source_relation) -%}
{%- set key_columns = ['agent_id'] %}
{%- set payload_columns = ['agent_name', 'email_hash', 'team', 'timezone', 'hired_at', 'left_at'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_text('name') }} as agent_name,
        {{ hash_pii('email') }} as email_hash,
        {{ clean_text('team') }} as team,
        {{ clean_text('timezone') }} as timezone,
        {{ parse_timestamp_utc('hired_at') }} as hired_at,
        {{ parse_timestamp_utc('left_at') }} as left_at,
        hired_at as hired_at_text,
        left_at as left_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', key_columns, payload_columns, [
        [untyped('hired_at', 'hired_at_text'), reason_with_value('hired_at is not an ISO-8601 timestamp', 'hired_at_text')],
        [untyped('left_at', 'left_at_text'), reason_with_value('left_at is not an ISO-8601 timestamp', 'left_at_text')],
        implausible_timestamp_rule('hired_at'),
        implausible_timestamp_rule('left_at'),
        ['team is null', "'team is missing'"],
        ['left_at < hired_at', "'negative duration: left_at is before hired_at'"],
    ]) }},

{{ base_final(key_columns, payload_columns) }}
{%- endmacro %}

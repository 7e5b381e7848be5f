{# The SQL of model base_helpdesk__self_service_sessions, also run by the night's stg_helpdesk__self_service_sessions and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_helpdesk__self_service_sessions_sql(source_relation) -%}
{%- set key_columns = ['session_id'] %}
{%- set payload_columns = ['customer_id', 'started_at', 'session_source', 'is_resolved', 'ticket_id'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('session_id') }} as session_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp_utc('started_at') }} as started_at,
        {{ clean_code('source') }} as session_source,
        {{ parse_boolean('resolved') }} as is_resolved,
        {{ clean_text('ticket_id') }} as ticket_id,
        started_at as started_at_text,
        resolved as resolved_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', key_columns, payload_columns, [
        ['started_at is null', reason_with_value('started_at is missing or not an ISO-8601 timestamp', 'started_at_text')],
        implausible_timestamp_rule('started_at'),
        [untyped('is_resolved', 'resolved_text'), reason_with_value('resolved is not a boolean', 'resolved_text')],
        [not_accepted('session_source', 'self_service_source'), reason_with_value('unknown source', 'session_source')],
    ]) }},

{{ base_final(key_columns, payload_columns, expressions={'is_resolved': 'coalesce(is_resolved, false)'}, derived=[['is_escalated', 'ticket_id is not null']]) }}
{%- endmacro %}

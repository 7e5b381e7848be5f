{#
    The SQL of model base_helpdesk__self_service_sessions (models/staging/helpdesk/), over any
    relation with the raw columns: typing and reject rules. A macro, not the model file, because
    the night's stg_helpdesk__self_service_sessions and the rejects audit type subsets of the
    same raw rows with it (macros/staging/base_model_sql.sql).
#}
{% macro base_helpdesk__self_service_sessions_sql(source_relation) -%}
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

{{ check_rows('typed', ['session_id'],
    ['customer_id', 'started_at', 'session_source', 'is_resolved', 'ticket_id'],
    [
        ['started_at is null', reason_with_value('started_at is missing or not an ISO-8601 timestamp', 'started_at_text')],
        implausible_timestamp_rule('started_at'),
        [untyped('is_resolved', 'resolved_text'), reason_with_value('resolved is not a boolean', 'resolved_text')],
        [not_accepted('session_source', 'self_service_source'), reason_with_value('unknown source', 'session_source')],
    ]) }},

final as (
    select
        session_id,
        customer_id,
        started_at,
        session_source,
        coalesce(is_resolved, false) as is_resolved,
        ticket_id,
        ticket_id is not null as is_escalated,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

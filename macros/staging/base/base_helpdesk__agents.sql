{#
    The SQL of model base_helpdesk__agents (models/staging/helpdesk/), over any relation with
    the raw columns: typing and reject rules. A macro, not the model file, because the night's
    stg_helpdesk__agents and the rejects audit type subsets of the same raw rows with it
    (macros/staging/base_model_sql.sql).
#}
{% macro base_helpdesk__agents_sql(source_relation) -%}
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

{{ check_rows('typed', ['agent_id'],
    ['agent_name', 'email_hash', 'team', 'timezone', 'hired_at', 'left_at'],
    [
        [untyped('hired_at', 'hired_at_text'), reason_with_value('hired_at is not an ISO-8601 timestamp', 'hired_at_text')],
        [untyped('left_at', 'left_at_text'), reason_with_value('left_at is not an ISO-8601 timestamp', 'left_at_text')],
        implausible_timestamp_rule('hired_at'),
        implausible_timestamp_rule('left_at'),
        ['team is null', "'team is missing'"],
        ['left_at < hired_at', "'negative duration: left_at is before hired_at'"],
    ]) }},

final as (
    select
        agent_id,
        agent_name,
        email_hash,
        team,
        timezone,
        hired_at,
        left_at,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

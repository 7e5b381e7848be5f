{# The SQL of model base_workforce__agent_shifts, also run by the night's stg_workforce__agent_shifts and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_workforce__agent_shifts_sql(source_relation) -%}
{%- set key_columns = ['agent_id', 'shift_date'] %}
{%- set payload_columns = ['scheduled_minutes', 'is_leave'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('agent_id') }} as agent_id,
        {{ try_cast(clean_text('shift_date'), 'date') }} as shift_date,
        {{ try_cast(clean_text('scheduled_minutes'), dbt.type_int()) }} as scheduled_minutes,
        {{ parse_boolean('is_leave') }} as is_leave,
        shift_date as shift_date_text,
        scheduled_minutes as scheduled_minutes_text,
        is_leave as is_leave_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', key_columns, payload_columns, [
        [untyped('scheduled_minutes', 'scheduled_minutes_text'), reason_with_value('scheduled_minutes is not a whole number', 'scheduled_minutes_text')],
        [untyped('is_leave', 'is_leave_text'), reason_with_value('is_leave is not a boolean', 'is_leave_text')],
        implausible_timestamp_rule('shift_date', var('plausible_schedule_days_after_load')),
        ['scheduled_minutes < 0', "'negative duration: scheduled_minutes below 0'"],
    ]) }},

{{ base_final(key_columns, payload_columns, expressions={'scheduled_minutes': 'coalesce(scheduled_minutes, 0)', 'is_leave': 'coalesce(is_leave, false)'}) }}
{%- endmacro %}

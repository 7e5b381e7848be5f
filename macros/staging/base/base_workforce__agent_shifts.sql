{#
    The SQL of model base_workforce__agent_shifts (models/staging/workforce/), over any relation
    with the raw columns: typing and reject rules. A macro, not the model file, because the
    night's stg_workforce__agent_shifts and the rejects audit type subsets of the same raw rows
    with it (macros/staging/base_model_sql.sql).
#}
{% macro base_workforce__agent_shifts_sql(source_relation) -%}
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

{{ check_rows('typed', ['agent_id', 'shift_date'],
    ['scheduled_minutes', 'is_leave'],
    [
        [untyped('scheduled_minutes', 'scheduled_minutes_text'), reason_with_value('scheduled_minutes is not a whole number', 'scheduled_minutes_text')],
        [untyped('is_leave', 'is_leave_text'), reason_with_value('is_leave is not a boolean', 'is_leave_text')],
        implausible_timestamp_rule('shift_date', var('plausible_schedule_days_after_load')),
        ['scheduled_minutes < 0', "'negative duration: scheduled_minutes below 0'"],
    ]) }},

final as (
    select
        agent_id,
        shift_date,
        coalesce(scheduled_minutes, 0) as scheduled_minutes,
        coalesce(is_leave, false) as is_leave,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

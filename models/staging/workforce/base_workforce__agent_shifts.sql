with

source as (
    select * from {{ source('workforce', 'agent_shifts') }}
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
        ['scheduled_minutes < 0', "'negative duration: scheduled_minutes below 0'"],
    ]) }},

final as (
    select
        agent_id,
        shift_date,
        coalesce(scheduled_minutes, 0) as scheduled_minutes,
        coalesce(is_leave, false) as is_leave,
        reject_reason,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final

with

source as (
    select * from {{ connector_source('zendesk', 'schedule') }}
),

typed as (
    select
        {{ system_key('zendesk', 'id') }} as schedule_id,
        {{ clean_text('name') }} as schedule_name,
        {{ zendesk_iana_timezone('time_zone') }} as timezone,
        -- minutes from Sunday 00:00 of the schedule's local week
        {{ try_cast(clean_text('start_time'), dbt.type_int()) }} as week_start_minute,
        {{ try_cast(clean_text('end_time'), dbt.type_int()) }} as week_end_minute,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        start_time as start_time_text,
        end_time as end_time_text,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['schedule_id is null', "'key id is missing'"],
            ['week_start_minute is null', reason_with_value('start_time is missing or not a whole number', 'start_time_text')],
            ['week_end_minute is null', reason_with_value('end_time is missing or not a whole number', 'end_time_text')],
            ['timezone is null', "'time_zone is missing'"],
            [
                'week_start_minute < 0 or week_end_minute > 10080 or week_end_minute <= week_start_minute'
                ~ ' or week_end_minute - 1440 * floor(week_start_minute / 1440) > 1440',
                "'interval is empty, outside the week or crosses midnight'",
            ],
        ]) }}
    from typed
)

select * from final

with

source as (
    select * from {{ connector_source('zendesk', 'schedule_holiday') }}
),

typed as (
    select
        {{ system_key('zendesk', 'id') }} as holiday_id,
        {{ system_key('zendesk', 'schedule_id') }} as schedule_id,
        {{ clean_text('name') }} as holiday_name,
        {{ try_cast(clean_text('start_date'), 'date') }} as start_date,
        {{ try_cast(clean_text('end_date'), 'date') }} as end_date,
        {{ parse_timestamp_utc('_fivetran_synced') }} as fivetran_synced_at,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted,
        start_date as start_date_text,
        end_date as end_date_text,
        {{ lineage_columns() }}
    from source
),

final as (
    select
        *,
        {{ connector_reject_columns([
            ['holiday_id is null or schedule_id is null', "'key id or schedule_id is missing'"],
            ['start_date is null', reason_with_value('start_date is not a date', 'start_date_text')],
            ['end_date is null', reason_with_value('end_date is not a date', 'end_date_text')],
            ['end_date < start_date', "'end_date is before start_date'"],
        ]) }}
    from typed
)

select * from final

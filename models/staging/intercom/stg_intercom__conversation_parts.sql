{{ config(materialized='table') }}

with

base as (
    select * from {{ ref('base_intercom__conversation_parts') }}
),

latest as (
    {{ latest_version('base', ['message_id'], order_by='updated_at desc nulls last, fivetran_synced_at') }}
),

final as (
    select
        message_id,
        source_message_id,
        ticket_id,
        part_type,
        author_id,
        intercom_author_type,
        case
            when intercom_author_type = 'admin' then 'agent'
            when intercom_author_type in ('user', 'lead', 'contact') then 'customer'
            when intercom_author_type = 'bot' then 'bot'
            else 'system'
        end as author_type,
        -- a message: a comment, a note, or an assignment an admin wrote something in
        part_type in ('comment', 'note')
        or (part_type = 'assignment' and has_body) as is_message,
        part_type <> 'note' as is_public,
        {{ intercom_status('part_type') }} as status_after,
        part_type in ('close', 'open', 'snoozed', 'timer_unsnooze', 'unsnooze') as is_status_change,
        created_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
    where not is_deleted
)

select * from final

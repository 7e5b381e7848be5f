with

source as (
    select * from {{ source('helpdesk', 'tickets') }}
),

channels as (
    select channel from {{ ref('channels') }}
),

typed as (
    select
        {{ clean_text('source.ticket_id') }} as ticket_id,
        {{ clean_text('source.customer_id') }} as customer_id,
        {{ clean_code('source.channel') }} as channel,
        {{ clean_code('source.ticket_type') }} as ticket_type,
        {{ clean_code('source.priority') }} as priority,
        {{ clean_code('source.status') }} as status,
        {{ clean_text('source.assignee_id') }} as assignee_id,
        {{ parse_timestamp_utc('source.created_at') }} as created_at,
        {{ parse_timestamp_utc('source.updated_at') }} as updated_at,
        source.created_at as created_at_text,
        source.updated_at as updated_at_text,
        channels.channel is not null as is_known_channel,
        source._source_file,
        source._source_line,
        source._loaded_at,
        source._load_id
    from source
    left join channels
        on {{ clean_code('source.channel') }} = channels.channel
),

{{ check_rows('typed', ['ticket_id'],
    ['customer_id', 'channel', 'ticket_type', 'priority', 'status', 'assignee_id', 'created_at', 'updated_at'],
    [
        ['created_at is null', reason_with_value('created_at is missing or not an ISO-8601 timestamp', 'created_at_text')],
        [untyped('updated_at', 'updated_at_text'), reason_with_value('updated_at is not an ISO-8601 timestamp', 'updated_at_text')],
        ['not is_known_channel', "'unknown channel: ''' || coalesce(channel, '') || ''' is not in the channels seed'"],
        [not_accepted('priority', 'ticket_priority'), "'unknown priority: ''' || coalesce(priority, '') || ''''"],
        [not_accepted('status', 'ticket_status'), "'unknown status: ''' || coalesce(status, '') || ''''"],
        ['updated_at < created_at', "'negative duration: updated_at is before created_at'"],
    ]) }},

final as (
    select
        ticket_id,
        customer_id,
        channel,
        ticket_type,
        priority,
        status,
        assignee_id,
        created_at,
        updated_at,
        reject_reason,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final

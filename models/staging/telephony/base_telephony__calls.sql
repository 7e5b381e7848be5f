with

source as (
    select * from {{ source('telephony', 'calls') }}
),

typed as (
    select
        {{ clean_text('call_id') }} as call_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ parse_timestamp_utc('queued_at') }} as queued_at,
        {{ parse_timestamp_utc('answered_at') }} as answered_at,
        {{ parse_timestamp_utc('ended_at') }} as ended_at,
        {{ try_cast(clean_text('hold_seconds'), dbt.type_int()) }} as hold_seconds,
        {{ try_cast(clean_text('wrap_up_seconds'), dbt.type_int()) }} as wrap_up_seconds,
        queued_at as queued_at_text,
        answered_at as answered_at_text,
        ended_at as ended_at_text,
        hold_seconds as hold_seconds_text,
        wrap_up_seconds as wrap_up_seconds_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['call_id'],
    ['customer_id', 'agent_id', 'ticket_id', 'queued_at', 'answered_at', 'ended_at', 'hold_seconds', 'wrap_up_seconds'],
    [
        ['queued_at is null', reason_with_value('queued_at is missing or not an ISO-8601 timestamp', 'queued_at_text')],
        [untyped('answered_at', 'answered_at_text'), reason_with_value('answered_at is not an ISO-8601 timestamp', 'answered_at_text')],
        [untyped('ended_at', 'ended_at_text'), reason_with_value('ended_at is not an ISO-8601 timestamp', 'ended_at_text')],
        [untyped('hold_seconds', 'hold_seconds_text'), reason_with_value('hold_seconds is not a whole number', 'hold_seconds_text')],
        [untyped('wrap_up_seconds', 'wrap_up_seconds_text'), reason_with_value('wrap_up_seconds is not a whole number', 'wrap_up_seconds_text')],
        ['hold_seconds < 0 or wrap_up_seconds < 0', "'negative duration: hold_seconds or wrap_up_seconds below 0'"],
        ['answered_at < queued_at', "'negative duration: answered_at is before queued_at'"],
        ['ended_at < coalesce(answered_at, queued_at)', "'negative duration: ended_at is before the call was answered or queued'"],
    ]) }},

final as (
    select
        call_id,
        customer_id,
        agent_id,
        ticket_id,
        queued_at,
        answered_at,
        ended_at,
        coalesce(hold_seconds, 0) as hold_seconds,
        coalesce(wrap_up_seconds, 0) as wrap_up_seconds,
        answered_at is not null as is_answered,
        reject_reason,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final

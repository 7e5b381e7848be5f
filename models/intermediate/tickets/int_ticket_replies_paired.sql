{#
    Incremental per ticket (macros/incremental/changes.sql). A night's tests may check only the
    replaced tickets' rows although message_id is unique across tickets: the change set takes
    every ticket any version of a changed message was on, so a reply that moves is replaced on both.
#}
-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='ticket_id', change_set='int_tickets_changed',
) }}

with

messages as (
    select * from {{ ref('int_ticket_messages_validated') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from {{ ref('int_tickets_changed') }})
    {%- endif %}
),

-- Only public agent messages are replies and only public customer messages ask: bot and system
-- messages (auto-replies) and internal notes (is_public false) neither answer nor ask (docs/metrics.md).
typed_messages as (
    select
        message_id,
        ticket_id,
        author_id,
        created_at,
        ticket_created_at,
        author_type = 'agent' and is_public as is_agent_reply,
        author_type = 'customer' and is_public as is_customer_message
    from messages
    where reject_reason is null
),

conversation as (
    select *
    from typed_messages
    where is_agent_reply or is_customer_message
),

sequenced as (
    select
        *,
        -- Agent replies up to and including this message; a customer message and a reply at the
        -- same instant are ordered customer first, so the reply answers it.
        sum(case when is_agent_reply then 1 else 0 end) over (
            partition by ticket_id
            order by created_at, case when is_customer_message then 0 else 1 end, message_id
            rows between unbounded preceding and current row
        ) as agent_replies_so_far
    from conversation
),

unanswered_customer_messages as (
    select
        ticket_id,
        agent_replies_so_far + 1 as answered_by_reply_number,
        min(created_at) as oldest_customer_message_at,
        count(*) as customer_message_count
    from sequenced
    where is_customer_message
    group by ticket_id, agent_replies_so_far + 1
),

replies as (
    select
        message_id,
        ticket_id,
        author_id as agent_id,
        created_at as replied_at,
        ticket_created_at,
        agent_replies_so_far as reply_number
    from sequenced
    where is_agent_reply
),

paired as (
    select
        replies.*,
        unanswered_customer_messages.oldest_customer_message_at,
        coalesce(unanswered_customer_messages.customer_message_count, 0) as answered_message_count
    from replies
    left join unanswered_customer_messages
        on
            replies.ticket_id = unanswered_customer_messages.ticket_id
            and replies.reply_number = unanswered_customer_messages.answered_by_reply_number
),

answered as (
    select
        *,
        case
            when oldest_customer_message_at is not null then oldest_customer_message_at
            when reply_number = 1 then ticket_created_at
        end as answered_customer_message_at
    from paired
),

final as (
    select
        message_id,
        ticket_id,
        agent_id,
        replied_at,
        reply_number,
        reply_number = 1 as is_first_reply,
        answered_customer_message_at,
        answered_message_count,
        answered_customer_message_at is not null as is_response,
        oldest_customer_message_at is null and reply_number = 1 as answers_ticket_creation,
        {{ seconds_between('answered_customer_message_at', 'replied_at') }} as response_seconds,
        {{ minutes_between('answered_customer_message_at', 'replied_at') }} as response_minutes
    from answered
)

select * from final

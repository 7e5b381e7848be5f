{#
    Incremental per ticket (macros/incremental/changes.sql): a night recomputes the tickets it
    touched (int_tickets_changed), the tickets still open (their SLA clock and open minutes run to
    the data's as-of time), every ticket of the same customer and type as those, before and after
    (the 7-day follow-up of FCR looks at the customer's next ticket), and the tickets whose 24-hour
    response window the new as-of time closes. A closed, untouched ticket's row stays as it was:
    the as-of time itself is one row, dim_data_as_of.
#}
-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
-- depends_on: {{ ref('int_tickets_open') }}
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='ticket_id', change_set='int_tickets_changed',
) }}
{#- Its 24 hours are over or it was answered within them: it counts in response_rate_*. #}
{%- set has_24h_outcome = 'is_answered_within_24h or '
    ~ dbt.dateadd('hour', var('response_rate_hours'), 'created_at') ~ ' <= as_of_at' %}

with

{%- if is_incremental() %}

changed_tickets as (
    select * from {{ ref('int_tickets_changed') }}
),

open_tickets as (
    select * from {{ ref('int_tickets_open') }}
),

changed_or_open_tickets as (
    select ticket_id from changed_tickets
    union
    select ticket_id from open_tickets
),

followup_groups as (
    select
        customer_id,
        ticket_type
    from {{ ref('int_tickets_enriched') }}
    where ticket_id in (select ticket_id from changed_or_open_tickets)
    union
    select
        customer_id,
        ticket_type
    from {{ this }}
    where ticket_id in (select ticket_id from changed_or_open_tickets)
),

-- tickets whose stored 24-hour outcome the new as-of time changes (the window closed since)
response_window_tickets as (
    select ticket_id
    from {{ this }}
    cross join {{ ref('int_ticket_extracts_watermarked') }}
    where has_24h_outcome <> ({{ has_24h_outcome }})
),

recomputed_tickets as (
    select ticket_id from changed_or_open_tickets
    union
    select enriched_tickets.ticket_id
    from {{ ref('int_tickets_enriched') }} as enriched_tickets
    inner join followup_groups
        on
            enriched_tickets.customer_id = followup_groups.customer_id
            and enriched_tickets.ticket_type = followup_groups.ticket_type
    union
    select ticket_id from response_window_tickets
),
{%- endif %}

tickets as (
    select * from {{ ref('int_tickets_enriched') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from recomputed_tickets)
    {%- endif %}
),

sla_policies as (
    select * from {{ ref('int_ticket_sla_policies_matched') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from recomputed_tickets)
    {%- endif %}
),

replies as (
    select * from {{ ref('int_ticket_replies_paired') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from recomputed_tickets)
    {%- endif %}
),

messages as (
    select * from {{ ref('int_ticket_messages_validated') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from recomputed_tickets)
    {%- endif %}
),

status_intervals as (
    select * from {{ ref('int_ticket_status_intervals_sequenced') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from recomputed_tickets)
    {%- endif %}
),

calls as (
    select * from {{ ref('int_calls_validated') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from recomputed_tickets)
    {%- endif %}
),

agents as (
    select * from {{ ref('int_agents_unioned') }}
),

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

reply_summary as (
    select
        ticket_id,
        count(*) as agent_reply_count,
        min(replied_at) as first_reply_at
    from replies
    group by ticket_id
),

first_replies as (
    select
        replies.ticket_id,
        replies.agent_id as first_reply_agent_id,
        agents.team as first_reply_team
    from replies
    left join agents
        on replies.agent_id = agents.agent_id
    where replies.is_first_reply
),

inbound_messages as (
    select
        message_id,
        ticket_id,
        created_at
    from messages
    where
        reject_reason is null
        and is_customer_message
),

linked_calls as (
    select
        call_id,
        ticket_id,
        queued_at,
        coalesce(ended_at, answered_at, queued_at) as ended_at
    from calls
    where
        reject_reason is null
        and ticket_id is not null
),

-- A customer message written while one of the ticket's calls was queued or connected is that
-- call's record (the opening message of a phone ticket): one contact, counted as the call.
messages_during_calls as (
    select distinct inbound_messages.message_id
    from inbound_messages
    inner join linked_calls
        on
            inbound_messages.ticket_id = linked_calls.ticket_id
            and inbound_messages.created_at >= linked_calls.queued_at
            and inbound_messages.created_at <= linked_calls.ended_at
),

inbound_summary as (
    select
        inbound_messages.ticket_id,
        count(*) as inbound_message_count,
        count(messages_during_calls.message_id) as call_message_count
    from inbound_messages
    left join messages_during_calls
        on inbound_messages.message_id = messages_during_calls.message_id
    group by inbound_messages.ticket_id
),

call_summary as (
    select
        ticket_id,
        count(*) as linked_call_count
    from linked_calls
    group by ticket_id
),

interval_durations as (
    select
        status_intervals.ticket_id,
        status_intervals.status,
        status_intervals.valid_from,
        status_intervals.is_current,
        status_intervals.is_solved_status,
        status_intervals.is_solve_event,
        status_intervals.is_reopen_event,
        status_intervals.is_inferred,
        {{ seconds_between(
            'status_intervals.valid_from',
            'coalesce(status_intervals.valid_to, greatest(watermark.as_of_at, status_intervals.valid_from))'
        ) }} as duration_seconds
    from status_intervals
    cross join watermark
),

status_summary as (
    select
        ticket_id,
        min(case when is_solve_event then valid_from end) as first_solved_at,
        max(case when is_solve_event then valid_from end) as last_solved_at,
        sum(case when is_solve_event then 1 else 0 end) as solve_count,
        sum(case when is_reopen_event then 1 else 0 end) as reopen_count,
        max(case when is_current and is_solved_status then 1 else 0 end) as is_currently_solved_flag,
        max(case when is_inferred and is_solve_event then 1 else 0 end) as has_inferred_solve_flag,
        sum(case when status in ('new', 'open') then duration_seconds else 0 end) / 60.0 as open_minutes,
        sum(case when status = 'pending' then duration_seconds else 0 end) / 60.0 as pending_minutes,
        sum(case when status = 'on_hold' then duration_seconds else 0 end) / 60.0 as on_hold_minutes
    from interval_durations
    group by ticket_id
),

next_same_type_tickets as (
    select
        ticket_id,
        lead(created_at) over (
            partition by customer_id, ticket_type
            order by created_at, ticket_id
        ) as next_same_type_ticket_at
    from tickets
    where
        customer_id is not null
        and ticket_type is not null
),

joined as (
    select
        tickets.*,
        sla_policies.sla_policy_id,
        sla_policies.sla_target_minutes,
        sla_policies.sla_hours_type,
        sla_policies.sla_due_at,
        reply_summary.first_reply_at,
        first_replies.first_reply_agent_id,
        first_replies.first_reply_team,
        coalesce(reply_summary.agent_reply_count, 0) as agent_reply_count,
        coalesce(inbound_summary.inbound_message_count, 0) as inbound_message_count,
        coalesce(inbound_summary.call_message_count, 0) as call_message_count,
        coalesce(call_summary.linked_call_count, 0) as linked_call_count,
        status_summary.first_solved_at,
        status_summary.last_solved_at,
        coalesce(status_summary.solve_count, 0) as solve_count,
        coalesce(status_summary.reopen_count, 0) as reopen_count,
        coalesce(status_summary.is_currently_solved_flag, 0) = 1 as is_currently_solved,
        coalesce(status_summary.has_inferred_solve_flag, 0) = 1 as has_inferred_solve,
        status_summary.open_minutes,
        status_summary.pending_minutes,
        status_summary.on_hold_minutes,
        next_same_type_tickets.next_same_type_ticket_at,
        watermark.as_of_at
    from tickets
    left join sla_policies
        on tickets.ticket_id = sla_policies.ticket_id
    left join reply_summary
        on tickets.ticket_id = reply_summary.ticket_id
    left join first_replies
        on tickets.ticket_id = first_replies.ticket_id
    left join inbound_summary
        on tickets.ticket_id = inbound_summary.ticket_id
    left join call_summary
        on tickets.ticket_id = call_summary.ticket_id
    left join status_summary
        on tickets.ticket_id = status_summary.ticket_id
    left join next_same_type_tickets
        on tickets.ticket_id = next_same_type_tickets.ticket_id
    cross join watermark
),

-- Business clock: the ticket's milestones, one row each, read on its schedule's clock.
clock_points as (
    select
        ticket_id,
        'created' as milestone,
        created_at as milestone_at,
        schedule_id,
        schedule_timezone
    from joined
    union all
    select
        ticket_id,
        'first_reply' as milestone,
        first_reply_at as milestone_at,
        schedule_id,
        schedule_timezone
    from joined
    where first_reply_at is not null
    union all
    select
        ticket_id,
        'first_solved' as milestone,
        first_solved_at as milestone_at,
        schedule_id,
        schedule_timezone
    from joined
    where first_solved_at is not null
    union all
    select
        ticket_id,
        'last_solved' as milestone,
        last_solved_at as milestone_at,
        schedule_id,
        schedule_timezone
    from joined
    where last_solved_at is not null
),

clock_readings as (
    {{ business_clock_at('clock_points', 'milestone_at', 'schedule_id', 'schedule_timezone') }}
),

clock_by_ticket as (
    select
        ticket_id,
        max(case when milestone = 'created' then business_clock_seconds end) as created_clock_seconds,
        max(case when milestone = 'first_reply' then business_clock_seconds end) as first_reply_clock_seconds,
        max(case when milestone = 'first_solved' then business_clock_seconds end) as first_solved_clock_seconds,
        max(case when milestone = 'last_solved' then business_clock_seconds end) as last_solved_clock_seconds
    from clock_readings
    group by ticket_id
),

measured as (
    select
        joined.*,
        {{ minutes_between('joined.created_at', 'joined.first_reply_at') }} as first_response_minutes,
        (clock_by_ticket.first_reply_clock_seconds - clock_by_ticket.created_clock_seconds) / 60.0
            as first_response_business_minutes,
        {{ minutes_between('joined.created_at', 'joined.first_solved_at') }} as first_resolution_minutes,
        (clock_by_ticket.first_solved_clock_seconds - clock_by_ticket.created_clock_seconds) / 60.0
            as first_resolution_business_minutes,
        case
            when joined.is_currently_solved
                then {{ minutes_between('joined.created_at', 'joined.last_solved_at') }}
        end as full_resolution_minutes,
        case
            when joined.is_currently_solved
                then (clock_by_ticket.last_solved_clock_seconds - clock_by_ticket.created_clock_seconds) / 60.0
        end as full_resolution_business_minutes,
        -- When the first-reply target stops being measured: the reply, else a solve without
        -- reply, else the data's as-of time (still waiting).
        coalesce(joined.first_reply_at, joined.first_solved_at, joined.as_of_at) as sla_measured_at
    from joined
    left join clock_by_ticket
        on joined.ticket_id = clock_by_ticket.ticket_id
),

flagged as (
    select
        *,
        first_reply_at is not null as is_answered,
        first_solved_at is not null as is_solved,
        reopen_count > 0 as is_reopened,
        next_same_type_ticket_at is not null
        -- Minutes, not days: dateadd by day truncates timestamps to dates on some engines (Spark).
        and next_same_type_ticket_at <= {{ dbt.dateadd(
            'minute', var('fcr_followup_days') * 1440, 'coalesce(first_solved_at, created_at)'
        ) }} as has_followup_within_7d,
        sla_due_at is not null
        and (first_reply_at is not null or sla_measured_at > sla_due_at) as has_sla_due,
        coalesce(first_response_minutes <= {{ var('response_rate_hours') }} * 60, false) as is_answered_within_24h
    from measured
),

final as (
    select
        ticket_id,
        customer_id,
        customer_tier,
        channel,
        ticket_type,
        priority,
        status,
        assignee_id,
        assignee_team,
        schedule_id,
        created_at,
        {{ reporting_date('created_at') }} as created_date,
        updated_at,
        first_reply_at,
        first_reply_agent_id,
        first_reply_team,
        first_response_minutes,
        first_response_business_minutes,
        is_answered,
        is_answered_within_24h,
        {{ has_24h_outcome }} as has_24h_outcome,
        first_solved_at,
        {{ reporting_date('first_solved_at') }} as first_solved_date,
        last_solved_at,
        first_resolution_minutes,
        first_resolution_business_minutes,
        full_resolution_minutes,
        full_resolution_business_minutes,
        is_solved,
        is_currently_solved,
        has_inferred_solve,
        solve_count,
        agent_reply_count,
        inbound_message_count,
        linked_call_count,
        call_message_count,
        inbound_message_count - call_message_count + linked_call_count as interaction_count,
        reopen_count,
        is_reopened,
        has_followup_within_7d,
        case
            when is_solved
                then agent_reply_count = 1 and not is_reopened and not has_followup_within_7d
        end as is_first_contact_resolution,
        open_minutes,
        pending_minutes,
        on_hold_minutes,
        sla_policy_id,
        sla_target_minutes,
        sla_hours_type,
        sla_due_at,
        case
            when sla_hours_type = 'calendar' then first_response_minutes
            when sla_hours_type = 'business' then first_response_business_minutes
        end as sla_elapsed_minutes,
        has_sla_due,
        case when has_sla_due then first_reply_at is not null and first_reply_at <= sla_due_at end as is_sla_met,
        case when has_sla_due then first_reply_at is null or first_reply_at > sla_due_at end as is_sla_breached,
        case
            when has_sla_due and sla_measured_at > sla_due_at
                then {{ minutes_between('sla_due_at', 'sla_measured_at') }}
        end as sla_breach_minutes,
        -- fivetran/dbt_zendesk's touch counts: public agent replies on a ticket solved now
        is_currently_solved and agent_reply_count = 1 as is_one_touch_resolution,
        is_currently_solved and agent_reply_count = 2 as is_two_touch_resolution,
        is_currently_solved and agent_reply_count > 2 as is_multi_touch_resolution,
        source_system,
        source_ticket_id
    from flagged
)

select * from final

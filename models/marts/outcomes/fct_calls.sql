-- depends_on: {{ ref('int_calls_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='call_id', change_set='int_calls_changed',
) }}

with

calls as (
    select * from {{ ref('int_calls_validated') }}
    where reject_reason is null
    {%- if is_incremental() %}
        and call_id in (select call_id from {{ ref('int_calls_changed') }})
    {%- endif %}
),

customers as (
    select * from {{ ref('int_customers_unioned') }}
),

agents as (
    select * from {{ ref('int_agents_unioned') }}
),

timed as (
    select
        call_id,
        customer_id,
        agent_id,
        ticket_id,
        queued_at,
        answered_at,
        ended_at,
        is_answered,
        hold_seconds,
        wrap_up_seconds,
        case
            when is_answered then {{ seconds_between('queued_at', 'answered_at') }}
        end as wait_seconds,
        case
            when is_answered then {{ seconds_between('answered_at', 'ended_at') }}
        end as connected_seconds,
        case
            when not is_answered then {{ seconds_between('queued_at', 'ended_at') }}
        end as abandoned_after_seconds
    from calls
),

measured as (
    select
        *,
        coalesce(
            is_answered and wait_seconds <= {{ var('call_service_level_seconds', 60) }},
            false
        ) as is_within_service_level,
        -- the line is connected from answer to hang-up, hold included: hold is not added again
        connected_seconds - hold_seconds as talk_seconds,
        connected_seconds + wrap_up_seconds as handle_seconds
    from timed
),

final as (
    select
        measured.call_id,
        measured.customer_id,
        customers.customer_tier,
        measured.agent_id,
        agents.team,
        measured.ticket_id,
        'phone' as channel,
        measured.queued_at,
        {{ reporting_date('measured.queued_at') }} as queued_date,
        measured.answered_at,
        measured.ended_at,
        measured.is_answered,
        not measured.is_answered as is_abandoned,
        measured.wait_seconds,
        measured.abandoned_after_seconds,
        measured.is_within_service_level,
        measured.connected_seconds,
        measured.talk_seconds,
        measured.hold_seconds,
        measured.wrap_up_seconds,
        measured.handle_seconds
    from measured
    left join customers
        on measured.customer_id = customers.customer_id
    left join agents
        on measured.agent_id = agents.agent_id
)

select * from final

{#- Incremental per session: changed or re-validated sessions and sessions of changed customers (tier). #}
{{ config(**sw_incremental_config('session_id')) }}

with

sessions as (
    select * from {{ ref('int_self_service_sessions_validated') }}
    where reject_reason is null and {{ sw_in_scope('session_id') }}
),

customers as (
    select * from {{ ref('int_customers_unioned') }}
),

final as (
    select
        sessions.session_id,
        sessions.customer_id,
        customers.customer_tier,
        sessions.started_at,
        {{ reporting_date('sessions.started_at') }} as started_date,
        sessions.session_source,
        sessions.is_resolved,
        sessions.is_escalated,
        sessions.ticket_id,
        sessions.is_resolved and not sessions.is_escalated as is_resolved_without_ticket
    from sessions
    left join customers
        on sessions.customer_id = customers.customer_id
)

select * from final

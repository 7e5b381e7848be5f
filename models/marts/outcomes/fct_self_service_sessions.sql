-- depends_on: {{ ref('int_self_service_sessions_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='session_id', change_set='int_self_service_sessions_changed',
) }}

with

sessions as (
    select * from {{ ref('int_self_service_sessions_validated') }}
    where reject_reason is null
    {%- if is_incremental() %}
        and session_id in (select session_id from {{ ref('int_self_service_sessions_changed') }})
    {%- endif %}
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

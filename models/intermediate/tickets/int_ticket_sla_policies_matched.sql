{#
    A table, incremental per ticket (macros/incremental/changes.sql): fct_tickets and several data tests
    read it every night, and matching policies is a join plus a window over every ticket.
    The choice rule is in the model's YAML description.
#}
-- depends_on: {{ ref('int_tickets_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='ticket_id', change_set='int_tickets_changed',
) }}

with

tickets as (
    select * from {{ ref('int_tickets_enriched') }}
    {%- if is_incremental() %}
    where ticket_id in (select ticket_id from {{ ref('int_tickets_changed') }})
    {%- endif %}
),

sla_policies as (
    select * from {{ ref('sla_policies') }}
),

policies as (
    select
        policy_id,
        lower(trim(channel)) as channel,
        lower(trim(priority)) as priority,
        lower(trim(customer_tier)) as customer_tier,
        lower(trim(ticket_type)) as ticket_type,
        first_response_target_minutes,
        lower(trim(hours_type)) as hours_type
    from sla_policies
),

candidates as (
    select
        tickets.ticket_id,
        tickets.created_at,
        tickets.schedule_id,
        tickets.schedule_timezone,
        policies.policy_id,
        policies.first_response_target_minutes,
        policies.hours_type,
        case when policies.channel <> '*' then 1 else 0 end
        + case when policies.priority <> '*' then 1 else 0 end
        + case when policies.customer_tier <> '*' then 1 else 0 end
        + case when policies.ticket_type <> '*' then 1 else 0 end as specificity
    from tickets
    inner join policies
        on
            (tickets.channel = policies.channel or policies.channel = '*')
            and (tickets.priority = policies.priority or policies.priority = '*')
            and (tickets.customer_tier = policies.customer_tier or policies.customer_tier = '*')
            and (tickets.ticket_type = policies.ticket_type or policies.ticket_type = '*')
),

most_specific as (
    select *
    from (
        select
            *,
            max(specificity) over (partition by ticket_id) as top_specificity
        from candidates
    ) as scored
    where specificity = top_specificity
),

-- Each remaining candidate's deadline on its own clock: a calendar target runs always, a
-- business target only in the working hours of the ticket's schedule.
business_clock_points as (
    select distinct
        ticket_id,
        created_at,
        schedule_id,
        schedule_timezone
    from most_specific
    where hours_type = 'business'
),

business_clock_readings as (
    {{ business_clock_at('business_clock_points', 'created_at', 'schedule_id', 'schedule_timezone',
        'created_clock_seconds') }}
),

business_targets as (
    select
        most_specific.ticket_id,
        most_specific.policy_id,
        most_specific.schedule_id,
        business_clock_readings.created_clock_seconds,
        most_specific.first_response_target_minutes * 60 as target_seconds
    from most_specific
    inner join business_clock_readings
        on most_specific.ticket_id = business_clock_readings.ticket_id
    where most_specific.hours_type = 'business'
),

business_due as (
    {{ business_clock_due_at('business_targets', 'created_clock_seconds', 'target_seconds', 'schedule_id') }}
),

dated as (
    select
        most_specific.*,
        case
            when most_specific.hours_type = 'calendar'
                then {{ dbt.dateadd('minute', 'most_specific.first_response_target_minutes', 'most_specific.created_at') }}
            when most_specific.hours_type = 'business'
                then business_due.business_due_at
        end as sla_due_at
    from most_specific
    left join business_due
        on
            most_specific.ticket_id = business_due.ticket_id
            and most_specific.policy_id = business_due.policy_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by ticket_id
            order by
                case when sla_due_at is null then 1 else 0 end,
                sla_due_at,
                policy_id
        ) as match_rank
    from dated
),

best_matches as (
    select *
    from ranked
    where match_rank = 1
),

final as (
    select
        tickets.ticket_id,
        best_matches.policy_id as sla_policy_id,
        best_matches.first_response_target_minutes as sla_target_minutes,
        best_matches.hours_type as sla_hours_type,
        best_matches.specificity as sla_policy_specificity,
        best_matches.sla_due_at
    from tickets
    left join best_matches
        on tickets.ticket_id = best_matches.ticket_id
)

select * from final

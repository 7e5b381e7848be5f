{#
    A table, incremental per ticket (macros/incremental/): fct_tickets and several data tests
    read it every night, and matching policies is a join plus a window over every ticket.
#}
{{ config(**sw_incremental_config('ticket_id')) }}

with

tickets as (
    select * from {{ ref('int_tickets_enriched') }}
    where {{ sw_in_scope('ticket_id') }}
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
        first_response_target_minutes,
        lower(trim(hours_type)) as hours_type
    from sla_policies
),

candidates as (
    select
        tickets.ticket_id,
        policies.policy_id,
        policies.first_response_target_minutes,
        policies.hours_type,
        case when policies.channel <> '*' then 1 else 0 end
        + case when policies.priority <> '*' then 1 else 0 end
        + case when policies.customer_tier <> '*' then 1 else 0 end as specificity
    from tickets
    inner join policies
        on
            (tickets.channel = policies.channel or policies.channel = '*')
            and (tickets.priority = policies.priority or policies.priority = '*')
            and (tickets.customer_tier = policies.customer_tier or policies.customer_tier = '*')
),

ranked as (
    select
        *,
        row_number() over (
            partition by ticket_id
            order by specificity desc, first_response_target_minutes asc, policy_id asc
        ) as match_rank
    from candidates
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
        best_matches.specificity as sla_policy_specificity
    from tickets
    left join best_matches
        on tickets.ticket_id = best_matches.ticket_id
)

select * from final

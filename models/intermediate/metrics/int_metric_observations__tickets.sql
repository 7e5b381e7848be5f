{#
    Ticket metrics from one pass of fct_tickets per dating rule (docs/metrics.md): creation-dated
    metrics by created_date, solve-dated metrics by first_solved_date. Dimensions: channel,
    ticket_type, customer tier, and the assignee (agent, team); SLA metrics use the first replier
    (else the assignee) as agent and team, the person who met or missed the target.
#}

with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

{%- set ticket_dimensions = {
    'channel': 'channel',
    'ticket_type': 'ticket_type',
    'customer_tier': 'customer_tier',
    'agent_id': 'assignee_id',
    'team': 'assignee_team',
    'priority': 'priority',
} %}
{%- set sla_dimensions = {
    'agent_id': 'coalesce(first_reply_agent_id, assignee_id)',
    'team': 'coalesce(first_reply_team, assignee_team)',
} %}
{%- set response_rate_numerator = metric_flag_count('is_answered_within_24h') %}
{%- set response_rate_denominator = metric_flag_count('has_24h_outcome') %}

created as (
    {{ metric_cube('tickets', 'created_date', [
        {'metric_id': 'tickets_created', 'numerator': 'count(*)'},
        {'metric_id': 'conversations_total', 'numerator': 'count(*)'},
        {'metric_id': 'first_response_minutes_mean',
            'numerator': 'sum(first_response_minutes)',
            'denominator': metric_scope_count('first_response_minutes')},
        {'metric_id': 'first_response_business_minutes_mean',
            'numerator': 'sum(first_response_business_minutes)',
            'denominator': metric_scope_count('first_response_business_minutes')},
        {'metric_id': 'unanswered_tickets', 'numerator': metric_count_where('not is_answered')},
        {'metric_id': 'sla_first_response_compliance',
            'numerator': metric_flag_count('is_sla_met'),
            'denominator': metric_flag_count('has_sla_due'),
            'dimensions': sla_dimensions},
        {'metric_id': 'sla_breaches', 'numerator': metric_flag_count('is_sla_breached'),
            'dimensions': sla_dimensions},
        {'metric_id': 'response_rate_24h',
            'numerator': response_rate_numerator, 'denominator': response_rate_denominator},
        {'metric_id': 'response_rate_7d',
            'numerator': response_rate_numerator, 'denominator': response_rate_denominator},
        {'metric_id': 'resolution_rate',
            'numerator': metric_flag_count('is_currently_solved'),
            'denominator': 'count(*)'},
        {'metric_id': 'resolution_flow_rate', 'numerator': '0', 'denominator': 'count(*)'},
        {'metric_id': 'interactions_per_ticket',
            'numerator': 'sum(interaction_count)',
            'denominator': 'count(*)'},
        {'metric_id': 'self_service_rate', 'numerator': '0', 'denominator': 'count(*)'},
    ], dimensions=ticket_dimensions) }}
),

solved as (
    {{ metric_cube('tickets', 'first_solved_date', [
        {'metric_id': 'tickets_solved', 'numerator': 'count(*)'},
        {'metric_id': 'resolution_minutes_mean',
            'numerator': 'sum(first_resolution_minutes)',
            'denominator': metric_scope_count('first_resolution_minutes')},
        {'metric_id': 'resolution_business_minutes_mean',
            'numerator': 'sum(first_resolution_business_minutes)',
            'denominator': metric_scope_count('first_resolution_business_minutes')},
        {'metric_id': 'first_contact_resolution_rate',
            'numerator': metric_flag_count('is_first_contact_resolution'),
            'denominator': metric_scope_count('is_first_contact_resolution')},
        {'metric_id': 'resolution_flow_rate', 'numerator': 'count(*)', 'denominator': '0'},
        {'metric_id': 'reopen_rate',
            'numerator': metric_flag_count('is_reopened'),
            'denominator': 'count(*)'},
    ], dimensions=ticket_dimensions) }}
),

final as (
    select * from created
    union all
    select * from solved
)

select * from final

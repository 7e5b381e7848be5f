{#
    Ticket metrics from one pass of `tickets` (a relation or CTE of fct_tickets' rows: all of
    them, or those of the days a night recomputes) per dating rule (docs/metrics.md):
    creation-dated metrics by created_date, solve-dated metrics by first_solved_date. Dimensions:
    channel, ticket_type, customer tier, and the assignee (agent, team); SLA metrics use the first
    replier (else the assignee) as agent and team, the person who met or missed the target.
    Output: metric rows as metric_cube makes them. The fct_tickets columns read here are the
    ones ticket_metric_inputs fingerprints (tests/test_metric_deltas.py checks).
#}
{% macro ticket_metric_observations(tickets) -%}
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
    {%- set response_rate_numerator = support_warehouse.metric_flag_count('is_answered_within_24h') %}
    {%- set response_rate_denominator = support_warehouse.metric_flag_count('has_24h_outcome') %}
{{ support_warehouse.metric_cube(tickets, 'created_date', [
    {'metric_id': 'tickets_created', 'numerator': 'count(*)'},
    {'metric_id': 'conversations_total', 'numerator': 'count(*)'},
    {'metric_id': 'first_response_minutes_mean',
        'numerator': 'sum(first_response_minutes)',
        'denominator': support_warehouse.metric_scope_count('first_response_minutes')},
    {'metric_id': 'first_response_business_minutes_mean',
        'numerator': 'sum(first_response_business_minutes)',
        'denominator': support_warehouse.metric_scope_count('first_response_business_minutes')},
    {'metric_id': 'unanswered_tickets', 'numerator': support_warehouse.metric_count_where('not is_answered')},
    {'metric_id': 'sla_first_response_compliance',
        'numerator': support_warehouse.metric_flag_count('is_sla_met'),
        'denominator': support_warehouse.metric_flag_count('has_sla_due'),
        'dimensions': sla_dimensions},
    {'metric_id': 'sla_breaches', 'numerator': support_warehouse.metric_flag_count('is_sla_breached'),
        'dimensions': sla_dimensions},
    {'metric_id': 'response_rate_24h',
        'numerator': response_rate_numerator, 'denominator': response_rate_denominator},
    {'metric_id': 'response_rate_7d',
        'numerator': response_rate_numerator, 'denominator': response_rate_denominator},
    {'metric_id': 'resolution_rate',
        'numerator': support_warehouse.metric_flag_count('is_currently_solved'),
        'denominator': 'count(*)'},
    {'metric_id': 'resolution_flow_rate', 'numerator': '0', 'denominator': 'count(*)'},
    {'metric_id': 'interactions_per_ticket',
        'numerator': 'sum(interaction_count)',
        'denominator': 'count(*)'},
    {'metric_id': 'self_service_rate', 'numerator': '0', 'denominator': 'count(*)'},
], dimensions=ticket_dimensions) }}
union all
{{ support_warehouse.metric_cube(tickets, 'first_solved_date', [
    {'metric_id': 'tickets_solved', 'numerator': 'count(*)'},
    {'metric_id': 'resolution_minutes_mean',
        'numerator': 'sum(first_resolution_minutes)',
        'denominator': support_warehouse.metric_scope_count('first_resolution_minutes')},
    {'metric_id': 'resolution_business_minutes_mean',
        'numerator': 'sum(first_resolution_business_minutes)',
        'denominator': support_warehouse.metric_scope_count('first_resolution_business_minutes')},
    {'metric_id': 'first_contact_resolution_rate',
        'numerator': support_warehouse.metric_flag_count('is_first_contact_resolution'),
        'denominator': support_warehouse.metric_scope_count('is_first_contact_resolution')},
    {'metric_id': 'resolution_flow_rate', 'numerator': 'count(*)', 'denominator': '0'},
    {'metric_id': 'reopen_rate',
        'numerator': support_warehouse.metric_flag_count('is_reopened'),
        'denominator': 'count(*)'},
], dimensions=ticket_dimensions) }}
{%- endmacro %}

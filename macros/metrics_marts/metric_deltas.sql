{#
    The ticket metrics maintained by delta (int_metric_daily__tickets; why: DECISIONS.md, "The
    ticket metrics' days are maintained by delta"). A ticket's metric rows change only when one of these
    fct_tickets columns changes (has_24h_outcome carries the response window's end, which moves
    with the as-of time): int_metric_ticket_dates_tracked fingerprints exactly these. A ticket
    metric that reads another column must add it here (tests/test_metric_deltas.py checks the
    ticket metric macro and models against this list).
#}
{% macro ticket_metric_inputs() -%}
    {{ return([
        'created_date', 'first_solved_date', 'channel', 'ticket_type', 'customer_tier',
        'assignee_id', 'assignee_team', 'priority', 'first_reply_agent_id', 'first_reply_team',
        'first_response_minutes', 'first_response_business_minutes', 'is_answered', 'is_sla_met',
        'has_sla_due', 'is_sla_breached', 'is_answered_within_24h', 'has_24h_outcome',
        'is_currently_solved', 'interaction_count', 'first_resolution_minutes',
        'first_resolution_business_minutes', 'is_first_contact_resolution', 'is_reopened',
    ]) }}
{%- endmacro %}

{#
    The select of the additive period models (int_metric_periods__additive_*): the days of
    `daily` whose metric the catalog aggregates 'additive', summed per day, ISO week and month by
    aggregate_metric_observations. `changed_periods` (a relation with column period_start, or
    none): only the periods starting on one of its days, from the days those periods hold.
#}
{% macro additive_metric_periods(daily, catalog, changed_periods=none) -%}
    {%- set grains = ['day', 'week', 'month'] -%}
with

daily as (
    select * from {{ daily }}
    {%- if changed_periods is not none %}
    where
        {%- for grain in grains %}
        {{ support_warehouse.metric_period_start(grain, 'observation_date') }} in (
            select changed_periods.period_start from {{ changed_periods }} as changed_periods
        )
        {%- if not loop.last %}
        or
        {%- endif %}
        {%- endfor %}
    {%- endif %}
),

catalog as (
    select * from {{ catalog }}
),

additive_days as (
    select daily.*
    from daily
    inner join catalog
        on daily.metric_id = catalog.metric_id
    where catalog.aggregation = 'additive'
),

periods as (
    {{ support_warehouse.aggregate_metric_observations('additive_days', grains=grains) }}
),

final as (
    select
        metric_id,
        period_grain,
        period_start,
        dimension,
        dimension_value,
        numerator,
        denominator
    from periods
    {%- if changed_periods is not none %}
    where period_start in (
        select changed_periods.period_start from {{ changed_periods }} as changed_periods
    )
    {%- endif %}
)

select * from final
{%- endmacro %}

{#
    Union of a metric relation's two parts, the ticket metrics kept by delta (`tickets`) and the
    other facts' rebuilt whole (`other_facts`), with `keys` (the columns a row is summed by) and
    numerator, denominator. A metric observed in both (conversations_total: tickets and calls;
    self_service_rate: tickets and sessions) has a row in each part; those rows are summed, the
    others pass as they are.
#}
{% macro union_metric_parts(tickets, other_facts, keys) -%}
with

tickets as (
    select * from {{ tickets }}
),

other_facts as (
    select * from {{ other_facts }}
),

ticket_metrics as (
    select distinct metric_id from tickets
),

other_metrics as (
    select distinct metric_id from other_facts
),

shared_rows as (
    select * from tickets
    where metric_id in (select other_metrics.metric_id from other_metrics)
    union all
    select * from other_facts
    where metric_id in (select ticket_metrics.metric_id from ticket_metrics)
),

final as (
    select * from tickets
    where metric_id not in (select other_metrics.metric_id from other_metrics)
    union all
    select * from other_facts
    where metric_id not in (select ticket_metrics.metric_id from ticket_metrics)
    union all
    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from shared_rows
    group by
        {%- for key in keys %}
        {{ key }}{% if not loop.last %},{% endif %}
        {%- endfor %}
)

select * from final
{%- endmacro %}

{#
    The select of int_metric_daily's parts: `observations` (metric rows with observation_date)
    cut by `catalog_dimensions` and summed per day (aggregate_metric_observations).
#}
{% macro daily_metric_rows(observations, catalog_dimensions) -%}
select
    metric_id,
    period_start as observation_date,
    dimension,
    dimension_value,
    numerator,
    denominator
from (
    {{ support_warehouse.aggregate_metric_observations(observations, catalog_dimensions, grains=['day']) }}
) as daily
{%- endmacro %}

{#
    Every metric observation of the warehouse but fct_tickets' in one shape: metric_id,
    observation_date, the dimension attributes, numerator, denominator (daily cubes, see macro
    metric_cube). One small model per fact feeds it; add a fact by adding a model and a line here.
    The ticket metrics (macro ticket_metric_observations) reach int_metric_daily by delta
    (int_metric_daily__tickets).
#}

{%- set sources = [
    'int_metric_observations__replies',
    'int_metric_observations__messages',
    'int_metric_observations__agent_days',
    'int_metric_observations__calls',
    'int_metric_observations__surveys',
    'int_metric_observations__reviews',
    'int_metric_observations__orders',
    'int_metric_observations__self_service',
    'int_metric_observations__backlog',
] %}

with

{% for source in sources %}
{{ source | replace('int_metric_observations__', '') }} as (
    select * from {{ ref(source) }}
),

{% endfor -%}

unioned as (
    {%- for source in sources %}
    select
        metric_id,
        observation_date,
        {%- for column in metric_dimensions().values() %}
        {{ column }},
        {%- endfor %}
        numerator,
        denominator
    from {{ source | replace('int_metric_observations__', '') }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select * from unioned
)

select * from final

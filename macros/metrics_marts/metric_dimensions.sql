{#
    The scorecard dimensions (docs/marts_contract.md, plus the ticket priority for speed metrics) and the
    observation column each one reads. Every metric row in the int_metric_* models carries these
    columns; a metric is cut by the dimensions the
    seed metric_catalog lists for it (column `dimensions`, space separated).
#}
{% macro metric_dimensions() -%}
    {{ return({
        'channel': 'channel',
        'agent': 'agent_id',
        'team': 'team',
        'ticket_type': 'ticket_type',
        'marketplace': 'marketplace',
        'tier': 'customer_tier',
        'priority': 'priority',
    }) }}
{%- endmacro %}

{# Label for an observation whose dimension attribute is missing, so it still counts in that cut. #}
{% macro metric_missing_label(dimension) -%}
    {%- if dimension in ['agent', 'team'] -%}
        '(unassigned)'
    {%- else -%}
        '(unknown)'
    {%- endif -%}
{%- endmacro %}

{#
    The dimension columns of a metric row, in their fixed order. `exprs` maps a column name
    (channel, agent_id, team, ticket_type, marketplace, customer_tier, priority) to a SQL expression; the
    columns it does not name are null (the dimension does not apply to that source).
#}
{% macro metric_dimension_columns(exprs={}) -%}
    {%- for column in support_warehouse.metric_dimensions().values() %}
    cast({{ exprs.get(column, 'null') }} as {{ dbt.type_string() }}) as {{ column }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{# The dimension value of a row for the `dimension` it is cut by ('all' -> 'all'). #}
{% macro metric_dimension_value(dimension_column, relation_alias) -%}
    case {{ dimension_column }}
        when 'all' then 'all'
        {%- for dimension, column in support_warehouse.metric_dimensions().items() %}
        when '{{ dimension }}' then coalesce({{ relation_alias }}.{{ column }}, {{ support_warehouse.metric_missing_label(dimension) }})
        {%- endfor %}
    end
{%- endmacro %}

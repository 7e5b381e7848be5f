{# Fails for every combination of `combination_of_columns` that appears more than once. #}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{{ repeated_combinations(model, combination_of_columns) }}

{% endtest %}

{#
    Every combination of `columns`' values found more than once in `model` (nulls equal, as in a
    group by), with its count `occurrences`; column_rules_hold sums the repeats.
#}
{% macro repeated_combinations(model, columns) -%}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endmacro %}

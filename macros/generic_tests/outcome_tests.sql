{#
    Generic data tests used by the outcome models (issue 4). Signatures:

      values_between(model, column_name, min_value=none, max_value=none)
          fails for every row whose non-null column value lies outside [min_value, max_value]
      row_condition_holds(model, condition)
          fails for every row where the SQL boolean `condition` is false (null counts as holding)
#}

{% test values_between(model, column_name, min_value=none, max_value=none) %}

select *
from {{ model }}
where
    {{ column_name }} is not null
    and (
        false
        {%- if min_value is not none %}
        or {{ column_name }} < {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
        or {{ column_name }} > {{ max_value }}
        {%- endif %}
    )

{% endtest %}

{% test row_condition_holds(model, condition) %}

select *
from {{ model }}
where not ({{ condition }})

{% endtest %}

{#
    Generic data tests used by the ticket facts (issue 3). Signatures:

      expression_is_true(model, expression)
          fails for every row where the SQL boolean `expression` is false (null counts as holding;
          narrow the rows with the test's `where` config)
      intervals_do_not_overlap(model, partition_by, start_column, end_column)
          fails for every row whose [start, end) overlaps the previous row of its partition
#}

{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}

{% test intervals_do_not_overlap(model, partition_by, start_column, end_column) %}

with

ordered as (
    select
        {{ partition_by | join(', ') }},
        {{ start_column }} as interval_start,
        {{ end_column }} as interval_end,
        lag({{ end_column }}) over (
            partition by {{ partition_by | join(', ') }}
            order by {{ start_column }}
        ) as previous_interval_end
    from {{ model }}
)

select *
from ordered
where
    previous_interval_end > interval_start
    or interval_end <= interval_start

{% endtest %}

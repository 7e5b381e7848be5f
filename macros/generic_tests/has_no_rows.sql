{#
    Fails (at the configured severity) when the model has rows; used to surface rejected input
    as a failed check whose failures list entity, reason and count.
#}
{% test has_no_rows(model, group_by_columns) %}

select
    {{ group_by_columns | join(', ') }},
    count(*) as row_count
from {{ model }}
group by {{ group_by_columns | join(', ') }}

{% endtest %}

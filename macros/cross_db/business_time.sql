{#
    Small portable helpers for business-hours arithmetic (issue 3). Everything here is plain
    SQL or goes through dbt's own cross-database macros, so no spark__ variant is needed.
#}

{# 'HH:MM' wall-clock text (as in seeds/business_hours.csv; '24:00' allowed) -> minutes after midnight. #}
{% macro clock_text_to_minutes(expr) -%}
    (
        cast({{ dbt.split_part("trim(" ~ expr ~ ")", "':'", 1) }} as {{ dbt.type_int() }}) * 60
        + cast({{ dbt.split_part("trim(" ~ expr ~ ")", "':'", 2) }} as {{ dbt.type_int() }})
    )
{%- endmacro %}

{# Local midnight starting `date_expr`, `minutes_expr` minutes later, as a naive local timestamp. #}
{% macro local_time_on(date_expr, minutes_expr) -%}
    {{ dbt.dateadd('minute', minutes_expr, 'cast(' ~ date_expr ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
{%- endmacro %}

{#
    UTC instant at which the reporting day `date_expr` ends (next local midnight in the reporting
    timezone, var reporting_timezone): the moment a daily end-of-day snapshot is taken.
#}
{% macro reporting_day_end_at(date_expr) -%}
    {%- set tz = var('reporting_timezone', 'UTC') -%}
    {%- set next_midnight = 'cast(' ~ dbt.dateadd('day', 1, date_expr) ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
    {%- if tz == 'UTC' -%}
        {{ next_midnight }}
    {%- else -%}
        {{ support_warehouse.local_to_utc(next_midnight, "'" ~ tz ~ "'") }}
    {%- endif -%}
{%- endmacro %}

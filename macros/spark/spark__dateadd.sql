{#
    dbt.dateadd on Spark, as dbt-duckdb computes it (root-project macros win dispatch for dbt's
    own macros). dbt-spark's version goes through to_unix_timestamp, which drops the fraction of
    a second (a ticket created at 10:00:00.123456 got an SLA due at 10:05:00), and truncates a
    fractional amount. dbt-duckdb adds cast(amount as bigint) units: a double amount rounds half
    to even there, hence bround. The result is a timestamp, as on DuckDB, also for a date input.
#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) %}
    {%- set unit = datepart | lower -%}
    {%- set amount = 'cast(bround(' ~ interval ~ ') as bigint)' -%}
    {%- set ts = 'cast(' ~ from_date_or_timestamp ~ ' as timestamp)' -%}
    {%- if unit == 'quarter' -%}
        timestampadd(MONTH, {{ amount }} * 3, {{ ts }})
    {%- elif unit == 'week' -%}
        timestampadd(DAY, {{ amount }} * 7, {{ ts }})
    {%- elif unit in ['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond'] -%}
        timestampadd({{ unit | upper }}, {{ amount }}, {{ ts }})
    {%- else -%}
        {{ exceptions.raise_compiler_error("dateadd: datepart '" ~ datepart ~ "' is not supported on Spark") }}
    {%- endif -%}
{% endmacro %}

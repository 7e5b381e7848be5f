{#
    Timestamp handling that differs between engines. Every timestamp in the warehouse is a
    timezone-naive timestamp holding UTC; local wall-clock time is derived only where needed.
#}

{# ISO-8601 text (with offset, 'Z', or none = UTC) -> UTC timestamp; null when unparsable. #}
{% macro parse_timestamp_utc(expr) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'support_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(expr) -%}
    (try_cast({{ expr }} as timestamptz) at time zone 'UTC')
{%- endmacro %}

{# UTC timestamp -> wall-clock time in the IANA zone `tz` (a literal or a column). #}
{% macro utc_to_local(ts, tz) -%}
    {{ return(adapter.dispatch('utc_to_local', 'support_warehouse')(ts, tz)) }}
{%- endmacro %}

{% macro default__utc_to_local(ts, tz) -%}
    timezone({{ tz }}, timezone('UTC', {{ ts }}))
{%- endmacro %}

{# Wall-clock time in the IANA zone `tz` -> UTC timestamp. #}
{% macro local_to_utc(ts, tz) -%}
    {{ return(adapter.dispatch('local_to_utc', 'support_warehouse')(ts, tz)) }}
{%- endmacro %}

{% macro default__local_to_utc(ts, tz) -%}
    timezone('UTC', timezone({{ tz }}, {{ ts }}))
{%- endmacro %}

{# Elapsed seconds from `start_ts` to `end_ts` as a double (dbt.datediff counts boundaries). #}
{% macro seconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('seconds_between', 'support_warehouse')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__seconds_between(start_ts, end_ts) -%}
    (epoch({{ end_ts }}) - epoch({{ start_ts }}))
{%- endmacro %}

{% macro minutes_between(start_ts, end_ts) -%}
    ({{ support_warehouse.seconds_between(start_ts, end_ts) }} / 60.0)
{%- endmacro %}

{# Reporting-timezone calendar date of a UTC timestamp (SPEC §2: periods in the reporting timezone). #}
{% macro reporting_date(ts) -%}
    {%- set tz = var('reporting_timezone', 'UTC') -%}
    {%- if tz == 'UTC' -%}
        cast({{ ts }} as date)
    {%- else -%}
        cast({{ support_warehouse.utc_to_local(ts, "'" ~ tz ~ "'") }} as date)
    {%- endif -%}
{%- endmacro %}

{# ISO weekday: 1 = Monday ... 7 = Sunday. #}
{% macro iso_day_of_week(expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'support_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(expr) -%}
    isodow({{ expr }})
{%- endmacro %}

{% macro hour_of_day(expr) -%}
    {{ return(adapter.dispatch('hour_of_day', 'support_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__hour_of_day(expr) -%}
    hour({{ expr }})
{%- endmacro %}

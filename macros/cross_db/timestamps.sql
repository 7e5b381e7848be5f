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

{#
    Spark's cast is laxer than DuckDB's in places ('2024' and '2024-01-01T10' are timestamps there)
    and stricter in others ('2024/01/31'), so the text is first held to the shapes DuckDB accepts:
    date, optional time with at least minutes, optional 'Z', numeric offset or zone name. Runs with
    the session time zone at UTC (profiles.yml), so offset-less text means UTC on both engines.
#}
{% macro spark__parse_timestamp_utc(expr) -%}
    try_cast(
        case
            when trim({{ expr }}) rlike {{ support_warehouse.spark_iso_timestamp_pattern() }}
                then regexp_replace(trim({{ expr }}), '^([0-9]{4})/([0-9]{1,2})/', '$1-$2-')
        end as timestamp
    )
{%- endmacro %}

{# Backslash-free (Spark string literals unescape backslashes), anchored, for `rlike`. #}
{% macro spark_iso_timestamp_pattern() -%}
    '^[0-9]{4}([-][0-9]{1,2}[-]|/[0-9]{1,2}/)[0-9]{1,2}([T ] *[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}([.][0-9]*)?)?(Z|[+-][0-9]{2}(:?[0-9]{2}(:?[0-9]{2})?)?| +[A-Za-z][A-Za-z0-9_/+-]*)?)? *$'
{%- endmacro %}

{# UTC timestamp -> wall-clock time in the IANA zone `tz` (a literal or a column). #}
{% macro utc_to_local(ts, tz) -%}
    {{ return(adapter.dispatch('utc_to_local', 'support_warehouse')(ts, tz)) }}
{%- endmacro %}

{% macro default__utc_to_local(ts, tz) -%}
    timezone({{ tz }}, timezone('UTC', {{ ts }}))
{%- endmacro %}

{% macro spark__utc_to_local(ts, tz) -%}
    from_utc_timestamp({{ ts }}, {{ tz }})
{%- endmacro %}

{# Wall-clock time in the IANA zone `tz` -> UTC timestamp. #}
{% macro local_to_utc(ts, tz) -%}
    {{ return(adapter.dispatch('local_to_utc', 'support_warehouse')(ts, tz)) }}
{%- endmacro %}

{% macro default__local_to_utc(ts, tz) -%}
    timezone('UTC', timezone({{ tz }}, {{ ts }}))
{%- endmacro %}

{#
    Same as DuckDB except for a wall-clock time inside the hour repeated when DST ends (e.g. 01:30
    in New York on the night clocks go back): Spark takes the earlier instant, DuckDB the later.
    A time skipped when DST starts moves forward on both.
#}
{% macro spark__local_to_utc(ts, tz) -%}
    to_utc_timestamp({{ ts }}, {{ tz }})
{%- endmacro %}

{# Elapsed seconds from `start_ts` to `end_ts` as a double (dbt.datediff counts boundaries). #}
{% macro seconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('seconds_between', 'support_warehouse')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__seconds_between(start_ts, end_ts) -%}
    (epoch({{ end_ts }}) - epoch({{ start_ts }}))
{%- endmacro %}

{# DuckDB's epoch() is microseconds / 1e6 as a double; the same arithmetic gives bit-equal results. #}
{% macro spark__seconds_between(start_ts, end_ts) -%}
    (cast(unix_micros({{ end_ts }}) as double) / 1000000 - cast(unix_micros({{ start_ts }}) as double) / 1000000)
{%- endmacro %}

{% macro minutes_between(start_ts, end_ts) -%}
    ({{ support_warehouse.seconds_between(start_ts, end_ts) }} / 60.0)
{%- endmacro %}

{# Reporting-timezone calendar date of a UTC timestamp (docs/metrics.md: periods in the reporting timezone). #}
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

{# Spark's dayofweek() starts on Sunday; weekday() is 0 = Monday. #}
{% macro spark__iso_day_of_week(expr) -%}
    (weekday({{ expr }}) + 1)
{%- endmacro %}

{% macro hour_of_day(expr) -%}
    {{ return(adapter.dispatch('hour_of_day', 'support_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__hour_of_day(expr) -%}
    hour({{ expr }})
{%- endmacro %}

{% macro spark__hour_of_day(expr) -%}
    hour({{ expr }})
{%- endmacro %}

{#
    Whether `tz` (a column) names a timezone the engine knows, so a free-text zone from an extract
    never fails a query. DuckDB: its ICU zone list. Spark has no zone list in SQL: the IANA
    Area/Location shape (or UTC) is accepted, so a well-formed but unknown zone still fails there.
#}
{% macro is_known_timezone(tz) -%}
    {{ return(adapter.dispatch('is_known_timezone', 'support_warehouse')(tz)) }}
{%- endmacro %}

{% macro default__is_known_timezone(tz) -%}
    coalesce({{ tz }} in (select name from pg_timezone_names()), false)
{%- endmacro %}

{% macro spark__is_known_timezone(tz) -%}
    coalesce({{ tz }} rlike '^(UTC|[A-Z][A-Za-z_-]+(/[A-Za-z0-9_+-]+){1,2})$', false)
{%- endmacro %}

{#
    The one rule for per-agent days (docs/metrics.md, conversations_per_agent and
    conversations_per_agent_day): the calendar date of `ts` (UTC) on the agent's own clock,
    int_agents_clocked.clock_timezone.
#}
{% macro agent_local_date(ts, clock_timezone) -%}
    cast({{ support_warehouse.utc_to_local(ts, "coalesce(" ~ clock_timezone ~ ", 'UTC')") }} as date)
{%- endmacro %}

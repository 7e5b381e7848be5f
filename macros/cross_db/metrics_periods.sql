{#
    Period arithmetic for the metric marts (issue 5). Periods are cut on reporting-timezone dates
    (`reporting_date`), so these macros take dates, not timestamps.
#}

{# First day of the ISO week (Monday) of a date. #}
{% macro iso_week_start(date_expr) -%}
    {{ return(adapter.dispatch('iso_week_start', 'support_warehouse')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_week_start(date_expr) -%}
    cast({{ dbt.date_trunc('week', date_expr) }} as date)
{%- endmacro %}

{# Spark's date_trunc('week', ...) also starts weeks on Monday (and returns a timestamp). #}
{% macro spark__iso_week_start(date_expr) -%}
    cast(date_trunc('week', {{ date_expr }}) as date)
{%- endmacro %}

{# First day of the `grain` ('day', 'week' = ISO week, 'month', 'quarter', 'year') containing a date. #}
{% macro metric_period_start(grain, date_expr) -%}
    {%- if grain == 'day' -%}
        cast({{ date_expr }} as date)
    {%- elif grain == 'week' -%}
        {{ support_warehouse.iso_week_start(date_expr) }}
    {%- elif grain in ['month', 'quarter', 'year'] -%}
        cast({{ dbt.date_trunc(grain, date_expr) }} as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error("metric_period_start: unknown grain '" ~ grain ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{# Last day of the period of `grain` that starts on `period_start_expr`. #}
{% macro metric_period_end(grain, period_start_expr) -%}
    {%- if grain == 'day' -%}
        cast({{ period_start_expr }} as date)
    {%- elif grain == 'week' -%}
        cast({{ dbt.dateadd('day', 6, period_start_expr) }} as date)
    {%- elif grain == 'quarter' -%}
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, period_start_expr)) }} as date)
    {%- elif grain in ['month', 'year'] -%}
        cast({{ dbt.dateadd('day', -1, dbt.dateadd(grain, 1, period_start_expr)) }} as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error("metric_period_end: unknown grain '" ~ grain ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{# `case` over a grain column: the start of that row's period. #}
{% macro metric_period_start_case(grain_column, date_expr, grains) -%}
    case {{ grain_column }}
        {%- for grain in grains %}
        when '{{ grain }}' then {{ support_warehouse.metric_period_start(grain, date_expr) }}
        {%- endfor %}
    end
{%- endmacro %}

{# `case` over a grain column: the last day of that row's period. #}
{% macro metric_period_end_case(grain_column, period_start_expr, grains) -%}
    case {{ grain_column }}
        {%- for grain in grains %}
        when '{{ grain }}' then {{ support_warehouse.metric_period_end(grain, period_start_expr) }}
        {%- endfor %}
    end
{%- endmacro %}

{# A one-column derived table listing the grains, to cross join rows with. #}
{% macro metric_grains_relation(grains) -%}
    (
        {%- for grain in grains %}
        select '{{ grain }}' as period_grain
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    )
{%- endmacro %}

{# Wall-clock time of a UTC timestamp in the reporting timezone (var reporting_timezone). #}
{% macro reporting_local_timestamp(ts) -%}
    {%- set tz = var('reporting_timezone', 'UTC') -%}
    {%- if tz == 'UTC' -%}
        {{ ts }}
    {%- else -%}
        {{ support_warehouse.utc_to_local(ts, "'" ~ tz ~ "'") }}
    {%- endif -%}
{%- endmacro %}

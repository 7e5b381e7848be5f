{{ config(materialized='table') }}

{#
    One row per calendar date from var calendar_start_date (default 2015-01-01) to
    var calendar_end_date (default 2035-12-31). Fixed bounds keep the spine independent of the
    data (no introspection of ticket dates), and 21 years is only ~7,700 rows.
#}
{%- set start_date = var('calendar_start_date', '2015-01-01') -%}
{%- set end_date = var('calendar_end_date', '2035-12-31') -%}

with

date_spine as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ start_date ~ "' as date)",
        dbt.dateadd('day', 1, "cast('" ~ end_date ~ "' as date)")
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from date_spine
)

select * from final

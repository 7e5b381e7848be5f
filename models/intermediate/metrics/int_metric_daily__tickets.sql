{#
    int_metric_daily's ticket metrics, by delta: a night recomputes the days of its change set
    int_metric_ticket_days_changed and replaces them (strategy replace_changed by
    observation_date, so a day left with no ticket loses its rows). The fct_tickets rows are
    narrowed to those days before the cube: a changed day's metrics need every ticket created or
    first solved on it, and the cube's rows of other days (a ticket created on a changed day,
    solved on another) are dropped after it.
#}
-- depends_on: {{ ref('int_metric_ticket_days_changed') }} (read on a night only; dbt parses as a full build)
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='replace_changed',
    unique_key='observation_date', change_set='int_metric_ticket_days_changed',
) }}

with

{%- if is_incremental() %}

changed_days as (
    select * from {{ ref('int_metric_ticket_days_changed') }}
),
{%- endif %}

tickets as (
    select * from {{ ref('fct_tickets') }}
    {%- if is_incremental() %}
    where
        created_date in (select changed_days.observation_date from changed_days)
        or first_solved_date in (select changed_days.observation_date from changed_days)
    {%- endif %}
),

catalog_dimensions as (
    select * from {{ ref('int_metric_catalog_dimensions') }}
),

observations as (
    {{ ticket_metric_observations('tickets') }}
),

changed_observations as (
    select * from observations
    {%- if is_incremental() %}
    where observation_date in (select changed_days.observation_date from changed_days)
    {%- endif %}
),

final as (
    {{ daily_metric_rows('changed_observations', 'catalog_dimensions') }}
)

select * from final

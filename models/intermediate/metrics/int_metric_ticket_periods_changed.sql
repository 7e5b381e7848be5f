{#
    Change set of int_metric_periods__additive_tickets and int_metric_periods__percentiles: the
    first days of the day, ISO week and month periods holding a day whose ticket metrics the night
    recomputed (int_metric_ticket_days_changed). One column: a period is replaced by its first day,
    every grain starting on it together.
#}

with

changed_days as (
    select * from {{ ref('int_metric_ticket_days_changed') }}
),

period_starts as (
    {%- for grain in ['day', 'week', 'month'] %}
    select {{ metric_period_start(grain, 'observation_date') }} as period_start
    from changed_days
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
),

final as (
    select distinct period_start
    from period_starts
)

select * from final

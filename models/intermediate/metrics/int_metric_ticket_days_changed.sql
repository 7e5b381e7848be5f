{#
    Change set of int_metric_daily__tickets: the days whose ticket metrics a night recomputes,
    those a ticket whose metric inputs changed is dated on now or was dated on before
    (int_metric_ticket_dates_tracked rows written under the night's watermark). Without a
    watermark every day the tracking knows.
#}

with

tracked as (
    select * from {{ ref('int_metric_ticket_dates_tracked') }}
),

final as (
    select distinct observation_date
    from tracked
    {%- if var('changed_since', env_var('SW_CHANGED_SINCE', '')) %}
    where changed_under = {{ sw_changed_since() }}
    {%- endif %}
)

select * from final

{#
    Self-service half of self_service_rate (macros/metrics/self_service_metrics.sql): sessions
    resolved without a ticket, dated by started_date, count in numerator and denominator; the
    tickets created half of the denominator comes from the ticket metrics (int_metric_daily__tickets).
#}

with

sessions as (
    select * from {{ ref('fct_self_service_sessions') }}
),

final as (
    {{ metric_cube('sessions', 'started_date', [
        {'metric_id': 'self_service_rate',
            'numerator': self_service_rate_numerator(),
            'denominator': self_service_rate_numerator()},
    ], dimensions={
        'customer_tier': 'customer_tier',
    }) }}
)

select * from final

{#
    Marketplace feedback from fct_reviews, dated by created_date, with the formulas of
    macros/metrics/commerce_metrics.sql; cut by marketplace.
#}

with

reviews as (
    select * from {{ ref('fct_reviews') }}
),

final as (
    {{ metric_cube('reviews', 'created_date',
        ['positive_feedback_rate', 'negative_feedback_rate'],
        dimensions={
            'marketplace': 'marketplace',
            'customer_tier': 'customer_tier',
        }) }}
)

select * from final

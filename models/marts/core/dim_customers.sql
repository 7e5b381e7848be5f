{#-
    A night rewrites the customers whose staged version was loaded after the watermark; a staged
    customer never disappears, so dbt's delete+insert replaces them all.
#}
{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert',
    unique_key='customer_id',
) }}

with

customers as (
    select * from {{ ref('int_customers_unioned') }}
    {%- if is_incremental() %}
    where _loaded_at > {{ sw_changed_since() }}
    {%- endif %}
),

final as (
    select
        customer_id,
        customer_name_hash,
        email_hash,
        customer_tier,
        country,
        created_at,
        {{ reporting_date('created_at') }} as created_date,
        churned_at,
        churned_at is not null as is_churned
    from customers
)

select * from final

{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='order_id',
) }}

with

base as (
    {{ staged_versions('base_commerce__orders', source('commerce', 'orders'), 'order_id') }}
),

latest as (
    {{ latest_version('base', ['order_id'], single_versions=true) }}
),

final as (
    select
        order_id,
        customer_id,
        ordered_at,
        product_id,
        quantity,
        amount,
        order_status,
        is_shipped_on_time,
        has_a_to_z_claim,
        has_chargeback,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

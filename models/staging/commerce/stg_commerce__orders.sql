{{ config(**sw_incremental_config('order_id')) }}

with

base as (
    {{ sw_staged_base('base_commerce__orders', 'commerce', 'orders') }}
),

latest as (
    {{ latest_version('base', ['order_id']) }}
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

{{ config(**sw_incremental_config('product_id')) }}

with

base as (
    {{ sw_staged_base('base_commerce__products', 'commerce', 'products') }}
),

latest as (
    {{ latest_version('base', ['product_id']) }}
),

final as (
    select
        product_id,
        product_name,
        category,
        product_tier,
        price,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

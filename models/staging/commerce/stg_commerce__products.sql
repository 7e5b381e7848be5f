with

base as (
    select * from {{ ref('base_commerce__products') }}
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

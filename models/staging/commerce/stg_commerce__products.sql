{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='product_id',
) }}

with

base as (
    {{ staged_versions('base_commerce__products', source('commerce', 'products'), 'product_id') }}
),

latest as (
    {{ latest_version('base', ['product_id'], single_versions=true) }}
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

with

base as (
    select * from {{ ref('base_commerce__reviews') }}
),

latest as (
    {{ latest_version('base', ['review_id']) }}
),

final as (
    select
        review_id,
        customer_id,
        order_id,
        marketplace,
        rating,
        created_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

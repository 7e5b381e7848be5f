{{ config(**sw_incremental_config('review_id')) }}

with

base as (
    {{ sw_staged_base('base_commerce__reviews', 'commerce', 'reviews') }}
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

{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='review_id',
) }}

with

base as (
    {{ staged_versions('base_commerce__reviews', source('commerce', 'reviews'), 'review_id') }}
),

latest as (
    {{ latest_version('base', ['review_id'], single_versions=true) }}
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

{#
    The SQL of model base_commerce__products (models/staging/commerce/), over any relation with
    the raw columns: typing and reject rules. A macro, not the model file, because the night's
    stg_commerce__products and the rejects audit type subsets of the same raw rows with it
    (macros/staging/base_model_sql.sql).
#}
{% macro base_commerce__products_sql(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('name') }} as product_name,
        {{ clean_code('category') }} as category,
        {{ try_cast(clean_text('tier'), dbt.type_int()) }} as product_tier,
        {{ try_cast(clean_text('price'), 'double') }} as price,
        tier as tier_text,
        price as price_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', ['product_id'],
    ['product_name', 'category', 'product_tier', 'price'],
    [
        ['category is null', "'category is missing'"],
        ['product_tier is null or product_tier not between 1 and 3', reason_with_value('tier is not 1, 2 or 3', 'tier_text')],
        [untyped('price', 'price_text'), reason_with_value('price is not a number', 'price_text')],
        ['price < 0', "'negative price'"],
    ]) }},

final as (
    select
        product_id,
        product_name,
        category,
        product_tier,
        price,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

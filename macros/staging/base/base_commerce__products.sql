{# The SQL of model base_commerce__products, also run by the night's stg_commerce__products and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_commerce__products_sql(source_relation) -%}
{%- set key_columns = ['product_id'] %}
{%- set payload_columns = ['product_name', 'category', 'product_tier', 'price'] %}
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

{{ check_rows('typed', key_columns, payload_columns, [
        ['category is null', "'category is missing'"],
        ['product_tier is null or product_tier not between 1 and 3', reason_with_value('tier is not 1, 2 or 3', 'tier_text')],
        [untyped('price', 'price_text'), reason_with_value('price is not a number', 'price_text')],
        ['price < 0', "'negative price'"],
    ]) }},

{{ base_final(key_columns, payload_columns) }}
{%- endmacro %}

{% macro base_commerce__products_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['product_id'], columns=[
        ['product_id', 'text'],
        ['product_name', 'text from name'],
        ['category', 'code'],
        ['product_tier', 'integer from tier'],
        ['price', 'double'],
    ], rules=[
        must_be_present('category'),
        ['product_tier is null or product_tier not between 1 and 3', reason_with_value('tier is not 1, 2 or 3', 'tier_text')],
        must_parse('price'),
        ['price < 0', "'negative price'"],
    ], single_versions=single_versions) }}
{%- endmacro %}

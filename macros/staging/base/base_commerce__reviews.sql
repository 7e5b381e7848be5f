{% macro base_commerce__reviews_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['review_id'], columns=[
        ['review_id', 'text'],
        ['customer_id', 'text'],
        ['order_id', 'text'],
        ['marketplace', 'code'],
        ['rating', 'integer'],
        ['created_at', 'timestamp'],
    ], rules=[
        must_be_present('created_at'),
        must_be_plausible('created_at'),
        must_be_present('rating'),
        ['rating not between 1 and 5', reason_with_value('rating is outside 1-5', 'rating')],
        must_be_present('marketplace'),
    ], single_versions=single_versions) }}
{%- endmacro %}

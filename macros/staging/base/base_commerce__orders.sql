{% macro base_commerce__orders_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['order_id'], columns=[
        ['order_id', 'text'],
        ['customer_id', 'text'],
        ['ordered_at', 'timestamp'],
        ['product_id', 'text'],
        ['quantity', 'integer'],
        ['amount', 'double'],
        ['order_status', 'code from status'],
        ['is_shipped_on_time', 'boolean from shipped_on_time'],
        ['has_a_to_z_claim', 'boolean'],
        ['has_chargeback', 'boolean'],
    ], rules=[
        must_be_present('ordered_at'),
        must_be_plausible('ordered_at'),
        must_parse('quantity', 'amount', 'is_shipped_on_time', 'has_a_to_z_claim', 'has_chargeback'),
        ['quantity < 0 or amount < 0', "'negative quantity or amount'"],
        [not_accepted('order_status', 'order_status'), reason_with_value('unknown order status', 'order_status')],
        must_be_present('customer_id'),
    ], single_versions=single_versions) }}
{%- endmacro %}

{% macro base_helpdesk__customers_sql(source_relation, single_versions=false) -%}
{{ contract_base_sql(source_relation, ['customer_id'], columns=[
        ['customer_id', 'text'],
        ['customer_name_hash', 'pii from name'],
        ['email_hash', 'pii from email'],
        ['customer_tier', 'code from tier'],
        ['country', 'upper(' ~ clean_text('country') ~ ')'],
        ['created_at', 'timestamp'],
        ['churned_at', 'timestamp'],
    ], rules=[
        must_be_present('created_at'),
        must_parse('churned_at'),
        must_be_plausible('created_at', 'churned_at'),
        [not_accepted('customer_tier', 'customer_tier'), reason_with_value('unknown tier', 'customer_tier')],
        ['churned_at < created_at', "'negative duration: churned_at is before created_at'"],
    ], single_versions=single_versions) }}
{%- endmacro %}

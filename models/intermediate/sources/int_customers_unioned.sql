{#
    Customers of every source system; Zendesk's are its end users (tier: Zendesk has none, so
    standard; country unknown); Intercom's its contacts (users and leads).
#}
{{ config(materialized=view_or_table_on_spark()) }}

with

contract_customers as (
    select * from {{ ref('stg_helpdesk__customers') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
    where user_role = 'end-user'
),

intercom_contacts as (
    select * from {{ ref('stg_intercom__contacts') }}
    where contact_role in ('user', 'lead')
),

-- Connector customers have the standard tier and no country or churn date.
unioned as (
    {{ union_sources(
        ['customer_id', 'customer_name_hash', 'email_hash', 'customer_tier', 'country', 'created_at',
            'churned_at', 'source_system', 'source_customer_id', '_source_file', '_source_line', '_loaded_at'],
        [
            ['contract_customers', 'contract', {'source_customer_id': 'customer_id'}],
            ['zendesk_users', 'zendesk', {
                'customer_id': 'user_id',
                'customer_name_hash': 'user_name_hash',
                'customer_tier': "'standard'",
                'country': null_as('string'),
                'churned_at': null_as('timestamp'),
                'source_customer_id': 'source_user_id',
            }],
            ['intercom_contacts', 'intercom', {
                'customer_id': 'contact_id',
                'customer_name_hash': 'contact_name_hash',
                'customer_tier': "'standard'",
                'country': null_as('string'),
                'churned_at': null_as('timestamp'),
                'source_customer_id': 'source_contact_id',
            }],
        ]) }}
),

final as (
    select * from unioned
)

select * from final

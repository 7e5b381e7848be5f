{#
    Customers of every source system; Zendesk's are its end users (tier: Zendesk has none, so
    standard; country unknown); Intercom's its contacts (users and leads).
#}
{{ config(sw_keys_kept=true) }}

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

unioned as (
    select
        customer_id,
        customer_name_hash,
        email_hash,
        customer_tier,
        country,
        created_at,
        churned_at,
        'contract' as source_system,
        customer_id as source_customer_id,
        _source_file,
        _source_line,
        _loaded_at
    from contract_customers
    union all
    select
        user_id as customer_id,
        user_name_hash as customer_name_hash,
        email_hash,
        'standard' as customer_tier,
        cast(null as {{ dbt.type_string() }}) as country,
        created_at,
        cast(null as {{ dbt.type_timestamp() }}) as churned_at,
        'zendesk' as source_system,
        source_user_id as source_customer_id,
        _source_file,
        _source_line,
        _loaded_at
    from zendesk_users
    union all
    select
        contact_id as customer_id,
        contact_name_hash as customer_name_hash,
        email_hash,
        'standard' as customer_tier,
        cast(null as {{ dbt.type_string() }}) as country,
        created_at,
        cast(null as {{ dbt.type_timestamp() }}) as churned_at,
        'intercom' as source_system,
        source_contact_id as source_customer_id,
        _source_file,
        _source_line,
        _loaded_at
    from intercom_contacts
),

final as (
    select * from unioned
)

select * from final

{{ config(
    materialized=sw_incremental_materialization(), incremental_strategy='delete+insert', unique_key='customer_id',
) }}

with

base as (
    {{ staged_versions('base_helpdesk__customers', source('helpdesk', 'customers'), 'customer_id') }}
),

latest as (
    {{ latest_version('base', ['customer_id'], single_versions=true) }}
),

final as (
    select
        customer_id,
        customer_name_hash,
        email_hash,
        customer_tier,
        country,
        created_at,
        churned_at,
        _source_file,
        _source_line,
        _loaded_at
    from latest
)

select * from final

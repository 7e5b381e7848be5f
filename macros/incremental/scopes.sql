{#
    Scope of each incremental model: the values of its scope key (column scope_key) whose rows
    a night re-computes (macros/incremental/scoped_incremental.sql). Staging: keys of the raw
    rows loaded since the watermark (every version of those keys is re-ranked).
#}

{# Staged customers and agents whose latest version changed (tier, team). #}
{% macro sw_changed_customers() -%}
    {{ support_warehouse.sw_changed_keys(support_warehouse.sw_relation('int_customers_unioned'), 'customer_id') }}
{%- endmacro %}

{% macro sw_changed_agents() -%}
    {{ support_warehouse.sw_changed_keys(support_warehouse.sw_relation('int_agents_unioned'), 'agent_id') }}
{%- endmacro %}

{% macro sw_changed_tickets() -%}
    {{ support_warehouse.sw_changed_keys(support_warehouse.sw_relation('int_tickets_unioned'), 'ticket_id') }}
{%- endmacro %}

{#
    Keys (`key_column`) of `relation_name`'s rows whose customer, or agent (`agent_column`), has a
    staged version newer than the watermark (tier, team).
#}
{% macro sw_keys_of_changed_people(relation_name, key_column, agent_column=none) -%}
    select {{ key_column }} as scope_key
    from {{ support_warehouse.sw_relation(relation_name) }}
    where
        customer_id in ({{ support_warehouse.sw_changed_customers() }})
        {%- if agent_column %}
        or {{ agent_column }} in ({{ support_warehouse.sw_changed_agents() }})
        {%- endif %}
{%- endmacro %}

{# Ticket attributes: changed tickets, and tickets of changed customers (tier) and assignees (team). #}
{% macro int_tickets_enriched__scope() -%}
    {{ support_warehouse.sw_changed_tickets() }}
    union
    {{ support_warehouse.sw_keys_of_changed_people('int_tickets_unioned', 'ticket_id', 'assignee_id') }}
{%- endmacro %}

{# Status history: changed status changes and changed tickets (creation, current status). #}
{% macro int_ticket_status_intervals_sequenced__scope() -%}
    {{ support_warehouse.sw_changed_keys(support_warehouse.sw_relation('int_ticket_status_changes_unioned'), 'ticket_id') }}
    union
    {{ support_warehouse.sw_changed_tickets() }}
{%- endmacro %}

{# Post-hook of fct_tickets: every row carries the data's as-of time. #}
{% macro fct_tickets_refresh_as_of() -%}
    {%- if is_incremental() -%}
    update {{ this }}
    set as_of_at = watermark.as_of_at
    from {{ ref('int_ticket_extracts_watermarked') }} as watermark
    where {{ this.identifier }}.as_of_at is distinct from watermark.as_of_at
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}

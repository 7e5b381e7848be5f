{#
    Connector tables (Fivetran Zendesk, ...; support_warehouse/contract.py CONNECTOR_TABLES). The
    source when its raw table exists, else an empty relation with the columns its sources entry
    lists: a warehouse that never landed the system (and target spark, whose loader reads the
    contract entities only) still builds every model. The source() call keeps the lineage edge.
#}
{% macro connector_source(system, table) -%}
    {%- set relation = source(system, table) -%}
    {%- if not execute or adapter.get_relation(relation.database, relation.schema, relation.identifier) is not none -%}
    (select * from {{ relation }})
    {%- else -%}
    {%- set node = graph.sources['source.support_warehouse.' ~ system ~ '.' ~ table] -%}
    (
        select
            {%- for column in node.columns %}
            cast(null as {{ dbt.type_string() }}) as {{ adapter.quote(column) if column == 'group' else column }},
            {%- endfor %}
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as {{ dbt.type_bigint() }}) as _source_line,
            cast(null as {{ dbt.type_timestamp() }}) as _loaded_at,
            cast(null as {{ dbt.type_string() }}) as _load_id
        where 1 = 0
    )
    {%- endif -%}
{%- endmacro %}

{# A connector id as a warehouse key: '<system>:<id>', so keys never collide across systems. #}
{% macro system_key(system, column) -%}
    ('{{ system }}:' || {{ support_warehouse.clean_text(column) }})
{%- endmacro %}

{# Zendesk via channel -> the channels seed; channels the seed lacks (api, mobile, rules) count as web_form. #}
{% macro zendesk_channel(column) -%}
    case {{ support_warehouse.clean_code(column) }}
        when 'email' then 'email'
        when 'chat' then 'chat'
        when 'native_messaging' then 'chat'
        when 'voice' then 'phone'
        when 'sms' then 'sms'
        when 'facebook' then 'facebook'
        when 'twitter' then 'twitter'
        when 'instagram_dm' then 'instagram'
        when 'whatsapp' then 'whatsapp'
        else 'web_form'
    end
{%- endmacro %}

{# Zendesk status -> the project's statuses ('hold' is on_hold); anything else stays as is and is rejected. #}
{% macro zendesk_status(column) -%}
    case {{ support_warehouse.clean_code(column) }}
        when 'hold' then 'on_hold'
        else {{ support_warehouse.clean_code(column) }}
    end
{%- endmacro %}

{#
    Zendesk users carry Rails time-zone names; the business clock and dim_agents use IANA names.
    The zones Zendesk offers most; an unmapped name is kept as is.
#}
{% macro zendesk_iana_timezone(column) -%}
    case {{ support_warehouse.clean_text(column) }}
        when 'Eastern Time (US & Canada)' then 'America/New_York'
        when 'Central Time (US & Canada)' then 'America/Chicago'
        when 'Mountain Time (US & Canada)' then 'America/Denver'
        when 'Pacific Time (US & Canada)' then 'America/Los_Angeles'
        when 'Arizona' then 'America/Phoenix'
        when 'Alaska' then 'America/Juneau'
        when 'Hawaii' then 'Pacific/Honolulu'
        when 'Brasilia' then 'America/Sao_Paulo'
        when 'Buenos Aires' then 'America/Argentina/Buenos_Aires'
        when 'Mexico City' then 'America/Mexico_City'
        when 'UTC' then 'UTC'
        when 'London' then 'Europe/London'
        when 'Dublin' then 'Europe/Dublin'
        when 'Lisbon' then 'Europe/Lisbon'
        when 'Paris' then 'Europe/Paris'
        when 'Amsterdam' then 'Europe/Amsterdam'
        when 'Berlin' then 'Europe/Berlin'
        when 'Madrid' then 'Europe/Madrid'
        when 'Rome' then 'Europe/Rome'
        when 'Stockholm' then 'Europe/Stockholm'
        when 'Warsaw' then 'Europe/Warsaw'
        when 'Athens' then 'Europe/Athens'
        when 'Moscow' then 'Europe/Moscow'
        when 'Istanbul' then 'Europe/Istanbul'
        when 'Dubai' then 'Asia/Dubai'
        when 'Mumbai' then 'Asia/Kolkata'
        when 'New Delhi' then 'Asia/Kolkata'
        when 'Singapore' then 'Asia/Singapore'
        when 'Hong Kong' then 'Asia/Hong_Kong'
        when 'Beijing' then 'Asia/Shanghai'
        when 'Tokyo' then 'Asia/Tokyo'
        when 'Seoul' then 'Asia/Seoul'
        when 'Sydney' then 'Australia/Sydney'
        when 'Melbourne' then 'Australia/Melbourne'
        when 'Auckland' then 'Pacific/Auckland'
        else {{ support_warehouse.clean_text(column) }}
    end
{%- endmacro %}

{# Minutes after midnight as wall-clock text 'HH:MM' ('24:00' for the day's end), as the business_hours seed writes them. #}
{% macro minutes_to_clock_text(minutes_expr) -%}
    (
        lpad(cast(cast(floor(({{ minutes_expr }}) / 60) as {{ dbt.type_int() }}) as {{ dbt.type_string() }}), 2, '0')
        || ':'
        || lpad(cast(cast(({{ minutes_expr }}) - 60 * floor(({{ minutes_expr }}) / 60) as {{ dbt.type_int() }}) as {{ dbt.type_string() }}), 2, '0')
    )
{%- endmacro %}

{#
    Intercom conversation source -> the channels seed: the messenger (and in-app push) is chat;
    a source the seed lacks falls back on how it was delivered (a customer-started one is chat).
#}
{% macro intercom_channel(source_type, delivered_as) -%}
    case {{ support_warehouse.clean_code(source_type) }}
        when 'conversation' then 'chat'
        when 'push' then 'chat'
        when 'email' then 'email'
        when 'facebook' then 'facebook'
        when 'twitter' then 'twitter'
        when 'instagram' then 'instagram'
        when 'whatsapp' then 'whatsapp'
        when 'sms' then 'sms'
        when 'phone_call' then 'phone'
        else
            case {{ support_warehouse.clean_code(delivered_as) }}
                when 'customer_initiated' then 'chat'
                else 'web_form'
            end
    end
{%- endmacro %}

{#
    Intercom conversation state (or the state a close/open/snooze part moves it to) -> the
    project's statuses: closed is solved (it can be reopened), snoozed waits (pending). Anything
    else stays as is and is rejected (states) or is not a status change (parts).
#}
{% macro intercom_status(column) -%}
    case {{ support_warehouse.clean_code(column) }}
        when 'closed' then 'solved'
        when 'close' then 'solved'
        when 'snoozed' then 'pending'
        when 'open' then 'open'
        when 'timer_unsnooze' then 'open'
        when 'unsnooze' then 'open'
        else {{ support_warehouse.clean_code(column) }}
    end
{%- endmacro %}

{#
    A connector base model's verdict columns from one rule list: `reject_reason` (the rule, never
    the value: it is published) and `offending_value` (the raw value, kept in the build's audit
    schema only), as check_rows gives the contract's base models.
#}
{% macro connector_reject_columns(rules) -%}
    {{ support_warehouse.reject_reason(rules) }} as reject_reason,
        {{ support_warehouse.reject_reason(rules, 'value') }} as offending_value
{%- endmacro %}

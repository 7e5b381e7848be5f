{#
    Incremental models from dbt's standard pieces (issue 27; why: DECISIONS.md, "Incremental
    models: change sets read with ref(), a watermark var, one replace strategy"; map:
    docs/architecture.md).

    A night's inputs are models: a change set (int_tickets_changed, models/intermediate/outcomes/
    int_*_changed) lists the keys touched since the watermark, and an incremental model reads it
    with ref() in its is_incremental() branch, recomputes those keys from all their inputs and
    replaces their rows (strategy replace_changed below). Models whose keys never disappear
    filter on the watermark themselves and use dbt's delete+insert.
#}

{#
    The watermark: raw rows loaded after it are new to this build. The environment variable
    SW_CHANGED_SINCE is the raw layer's load high-water mark seen by the last fully successful
    night (the Dagster job sets it for its dbt process, support_warehouse/orchestration/dbt.py;
    the scoped tests' `where` in YAML read it too). An env var, not a `--vars` value: dbt's
    partial parsing re-parses only the files that read a changed env var, while a changed var
    re-parses the whole project every night (DECISIONS.md, "The watermark as an env var").
    The var `changed_since` still wins when set (unit tests' `overrides: vars`). Unset or empty
    (a plain `dbt build`, the first night, Spark): every row counts as changed, and an
    incremental run recomputes every key, which is slow but right.
#}
{% macro sw_changed_since() -%}
    {%- set since = var('changed_since', env_var('SW_CHANGED_SINCE', '')) -%}
    {%- if since -%}
        cast('{{ since }}' as timestamp)
    {%- else -%}
        cast('1900-01-01' as timestamp)
    {%- endif -%}
{%- endmacro %}

{#
    materialized of an incremental model. Spark (parquet tables, no row-level delete) rebuilds
    the table on every run: dbt-spark's append would duplicate changed rows, and
    insert_overwrite/merge need partitions or Delta/Iceberg/Hudi tables.
#}
{% macro sw_incremental_materialization() -%}
    {{ return(adapter.dispatch('sw_incremental_materialization', 'support_warehouse')()) }}
{%- endmacro %}

{% macro default__sw_incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__sw_incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#
    Incremental strategy `replace_changed` (config incremental_strategy='replace_changed',
    unique_key, change_set): dbt's delete+insert, except that the rows deleted are those whose
    unique_key is in the new rows OR in the model's change set (config change_set: a model the
    model refs, with a column named like unique_key). delete+insert alone keeps a key whose
    rows all disappeared (a reply that became an internal note leaves no reply row to match).
    unique_key is the key a model's rows are replaced by; several rows may share it.
    Config overwrite_from (a column, e.g. a snapshot date): a model whose night also recomputes
    every other key's latest days. Then the rows of keys outside the change set are replaced from
    the earliest value of that column among their new rows on, for every key (as dbt's
    insert_overwrite replaces those days' partitions); their older rows stay.
#}
{% macro get_incremental_replace_changed_sql(arg_dict) -%}
    {{ return(adapter.dispatch('get_incremental_replace_changed_sql', 'support_warehouse')(arg_dict)) }}
{%- endmacro %}

{% macro default__get_incremental_replace_changed_sql(arg_dict) -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- if key is none or key is not string -%}
        {{ exceptions.raise_compiler_error(this.identifier ~ ": replace_changed needs one unique_key column") }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set change_set = ref(config.require('change_set')) -%}
    {%- set overwrite_from = config.get('overwrite_from') -%}
    delete from {{ arg_dict['target_relation'] }}
    where
        {{ key }} in (select {{ key }} from {{ change_set }})
        {%- if overwrite_from %}
        or {{ overwrite_from }} >= (
            select min({{ overwrite_from }}) from {{ arg_dict['temp_relation'] }}
            where {{ key }} not in (select {{ key }} from {{ change_set }})
        );
        {%- else %}
        or {{ key }} in (select {{ key }} from {{ arg_dict['temp_relation'] }});
        {%- endif %}
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#
    Body of the change set of an outcome fact (int_calls_changed, ...): the keys of
    `validated_model` (all its rows, rejected ones too: a row that becomes rejected must leave
    the fact) whose fact row may differ from the last successful night's. Touched: the row's
    staged version, its ticket (validity), its customer (tier) and, with `agent_column`, its agent
    (team); with `ticket_people`, also the customer and assignee of its ticket (a survey answer
    takes them from the ticket when it names none).
#}
{% macro outcome_change_set(validated_model, key, agent_column=none, ticket_people=false) -%}
with

validated as (
    select * from {{ ref(validated_model) }}
),

tickets as (
    select * from {{ ref('int_tickets_unioned') }}
),

customers as (
    select * from {{ ref('int_customers_unioned') }}
),
{%- if agent_column or ticket_people %}

agents as (
    select * from {{ ref('int_agents_unioned') }}
),
{%- endif %}

changed_tickets as (
    select ticket_id from tickets
    where _loaded_at > {{ sw_changed_since() }}
),

changed_customers as (
    select customer_id from customers
    where _loaded_at > {{ sw_changed_since() }}
),

{%- if agent_column or ticket_people %}

changed_agents as (
    select agent_id from agents
    where _loaded_at > {{ sw_changed_since() }}
),
{%- endif %}

{%- if ticket_people %}

tickets_of_changed_people as (
    select tickets.ticket_id
    from tickets
    where
        tickets.customer_id in (select changed_customers.customer_id from changed_customers)
        or tickets.assignee_id in (select changed_agents.agent_id from changed_agents)
),
{%- endif %}

touched as (
    select validated.{{ key }}
    from validated
    where
        validated._loaded_at > {{ sw_changed_since() }}
        or validated.ticket_id in (select changed_tickets.ticket_id from changed_tickets)
        or validated.customer_id in (select changed_customers.customer_id from changed_customers)
        {%- if agent_column %}
        or validated.{{ agent_column }} in (select changed_agents.agent_id from changed_agents)
        {%- endif %}
        {%- if ticket_people %}
        or validated.ticket_id in (select tickets_of_changed_people.ticket_id from tickets_of_changed_people)
        {%- endif %}
),

final as (
    select distinct {{ key }}
    from touched
)

select * from final
{%- endmacro %}

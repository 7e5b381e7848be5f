{# The SQL of model base_helpdesk__ticket_status_changes, also run by the night's stg_helpdesk__ticket_status_changes and the rejects audit
   (why: macros/staging/base_model_sql.sql). #}
{% macro base_helpdesk__ticket_status_changes_sql(source_relation) -%}
{%- set key_columns = ['ticket_id', 'changed_at'] %}
{%- set payload_columns = ['status'] %}
with

source as (
    select * from {{ source_relation }}
),

typed as (
    select
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ parse_timestamp_utc('changed_at') }} as changed_at,
        {{ clean_code('status') }} as status,
        changed_at as changed_at_text,
        {{ lineage_columns() }}
    from source
),

{{ check_rows('typed', key_columns, payload_columns, [
        [not_accepted('status', 'ticket_status'), reason_with_value('unknown status', 'status')],
        implausible_timestamp_rule('changed_at'),
    ]) }},

{{ base_final(key_columns, payload_columns) }}
{%- endmacro %}

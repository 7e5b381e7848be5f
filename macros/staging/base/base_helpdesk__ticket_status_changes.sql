{#
    The SQL of model base_helpdesk__ticket_status_changes (models/staging/helpdesk/), over any
    relation with the raw columns: typing and reject rules. A macro, not the model file, because
    the night's stg_helpdesk__ticket_status_changes and the rejects audit type subsets of the
    same raw rows with it (macros/staging/base_model_sql.sql).
#}
{% macro base_helpdesk__ticket_status_changes_sql(source_relation) -%}
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

{{ check_rows('typed', ['ticket_id', 'changed_at'],
    ['status'],
    [
        [not_accepted('status', 'ticket_status'), reason_with_value('unknown status', 'status')],
        implausible_timestamp_rule('changed_at'),
    ]) }},

final as (
    select
        ticket_id,
        changed_at,
        status,
        reject_reason,
        offending_value,
        payload_hash,
        {{ lineage_columns() }}
    from checked
)

select * from final
{%- endmacro %}

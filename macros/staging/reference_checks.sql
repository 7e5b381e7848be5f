{#
    Body of an int_<entity>s_validated model: the staged rows of `staged_model`, each with the
    reject_reason of the first cross-entity rule it breaks (null = good). Staging cannot join, so
    references between extracts (docs/input_contract.md: unknown ticket, reply before its ticket exists) are
    checked here; audit.rejected_rows collects what fails.
    `event_column`: when set, the row must not precede its ticket's creation.
    `key`: the model's unique_key, ticket_id or a key unique among the staged rows (their tests).
    On a night (is_incremental()) the model recomputes the keys with a staged row loaded after
    the watermark and the rows of tickets whose staged version changed (a ticket that arrives
    late makes its rows valid); a validated key never disappears (nor does a staged one), so
    dbt's delete+insert replaces them all. Those rows are read as one semi-join on a few ticket
    ids (and, for a row key, the rows loaded after the watermark): DuckDB pushes such a filter
    into the scan, while `key in (...) or ticket_id in (...)` marked every staged row twice.
#}
{% macro validate_ticket_reference(staged_model, key, ticket_required=false, event_column=none) -%}
with
{%- if is_incremental() %}

-- the tickets whose rows the night recomputes
night_tickets as (
    {%- if key == 'ticket_id' %}
    select ticket_id from {{ ref(staged_model) }}
    where _loaded_at > {{ sw_changed_since() }}
    union all
    {%- endif %}
    select ticket_id from {{ ref('int_tickets_unioned') }}
    where _loaded_at > {{ sw_changed_since() }}
),
{%- endif %}

staged as (
    {%- if not is_incremental() %}
    select * from {{ ref(staged_model) }}
    {%- elif key == 'ticket_id' %}
    select * from {{ ref(staged_model) }}
    where ticket_id in (select night_tickets.ticket_id from night_tickets)
    {%- else %}
    -- a row key: its row loaded after the watermark is the key's only staged row
    select * from {{ ref(staged_model) }}
    where _loaded_at > {{ sw_changed_since() }}
    union all
    select * from {{ ref(staged_model) }}
    where
        ticket_id in (select night_tickets.ticket_id from night_tickets)
        and (_loaded_at > {{ sw_changed_since() }}) is not true
    {%- endif %}
),

tickets as (
    select
        ticket_id,
        created_at as ticket_created_at
    from {{ ref('int_tickets_unioned') }}
),

joined as (
    select
        staged.*,
        tickets.ticket_created_at,
        tickets.ticket_id is not null as has_known_ticket
    from staged
    left join tickets
        on staged.ticket_id = tickets.ticket_id
),

final as (
    select
        *,
        case
            {%- if ticket_required %}
            when ticket_id is null then 'ticket_id is missing'
            {%- endif %}
            when ticket_id is not null and not has_known_ticket
                then 'unknown ticket: ticket_id is not in tickets'
            {%- if event_column %}
            when {{ event_column }} < ticket_created_at
                then '{{ event_column }} is before its ticket was created'
            {%- endif %}
        end as reject_reason,
        -- the value for the build audit only: reasons are published and never quote values
        case when ticket_id is not null and not has_known_ticket then ticket_id end as offending_value
    from joined
)

select * from final
{%- endmacro %}

{#
    The business clock (issue 3).

    Each schedule of seeds/business_hours.csv has a clock that only runs during its working
    intervals. int_business_clock_slots_spined tiles time, per schedule and local day, into
    working and idle slots (UTC bounds built with local_to_utc, so daylight-saving changes are
    exact) and carries on each slot the working seconds the clock showed when the slot began.

      business seconds between t1 and t2 = clock(t2) - clock(t1)

    Reading the clock is one equi-join on (schedule_id, local date) plus a range filter that
    leaves exactly one slot, so the cost grows with the rows read, never rows x weeks. The
    inverse (the instant the clock reaches a value, e.g. an SLA due time) is an equi-join on
    a bucket of clock seconds. Every business-minutes column of the ticket marts goes through
    these two macros.
#}

{# Bucket width on the clock for the inverse look-up: wider than any slot (a day is at most 25 h). #}
{% macro business_clock_bucket_seconds() -%}
    172800
{%- endmacro %}

{#
    select from CTE `points` with one more column `output_column`: the schedule's clock reading
    (working seconds since the spine began) at `ts_column`. `schedule_column` and
    `timezone_column` name the point's schedule and that schedule's timezone. Null when the
    timestamp or schedule is null or outside the calendar spine.
#}
{% macro business_clock_at(points, ts_column, schedule_column, timezone_column, output_column='business_clock_seconds') -%}
    select
        points.*,
        clock_slots.cumulative_working_seconds
        + case
            when clock_slots.is_working_slot
                then {{ support_warehouse.seconds_between('clock_slots.slot_start_at', 'points.' ~ ts_column) }}
            else 0
        end as {{ output_column }}
    from {{ points }} as points
    left join {{ ref('int_business_clock_slots_spined') }} as clock_slots
        on
            points.{{ schedule_column }} = clock_slots.schedule_id
            and cast({{ support_warehouse.utc_to_local('points.' ~ ts_column, 'points.' ~ timezone_column) }} as date)
            = clock_slots.local_date
            and points.{{ ts_column }} >= clock_slots.slot_start_at
            and points.{{ ts_column }} < clock_slots.slot_end_at
{%- endmacro %}

{#
    select from CTE `points` with one more column `output_column`: the UTC instant at which the
    schedule's clock, read `clock_column` at the start, has run `target_seconds_column` more
    seconds. A target reached exactly at the end of a working interval is due then (17:00), not
    when the next interval opens. Null when the target is null or beyond the spine.
#}
{% macro business_clock_due_at(points, clock_column, target_seconds_column, schedule_column, output_column='business_due_at') -%}
    {%- set bucket = support_warehouse.business_clock_bucket_seconds() -%}
    {%- set reached = '(points.' ~ clock_column ~ ' + points.' ~ target_seconds_column ~ ')' -%}
    select
        points.*,
        {{ dbt.dateadd('second', reached ~ ' - due_slots.cumulative_working_seconds', 'due_slots.slot_start_at') }}
            as {{ output_column }}
    from {{ points }} as points
    left join (
        select
            schedule_id,
            slot_start_at,
            cumulative_working_seconds,
            working_seconds,
            cast(floor(cumulative_working_seconds / {{ bucket }}) as {{ dbt.type_bigint() }}) as clock_bucket
        from {{ ref('int_business_clock_slots_spined') }}
        where is_working_slot
        union
        select
            schedule_id,
            slot_start_at,
            cumulative_working_seconds,
            working_seconds,
            cast(floor((cumulative_working_seconds + working_seconds) / {{ bucket }}) as {{ dbt.type_bigint() }})
                as clock_bucket
        from {{ ref('int_business_clock_slots_spined') }}
        where is_working_slot
    ) as due_slots
        on
            points.{{ schedule_column }} = due_slots.schedule_id
            and cast(floor({{ reached }} / {{ bucket }}) as {{ dbt.type_bigint() }}) = due_slots.clock_bucket
            and {{ reached }} > due_slots.cumulative_working_seconds
            and {{ reached }} <= due_slots.cumulative_working_seconds + due_slots.working_seconds
{%- endmacro %}

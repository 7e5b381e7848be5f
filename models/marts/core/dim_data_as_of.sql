{#
    The data's as-of time in one row: the marts' clocks that run "to now" (an open ticket's open
    minutes, its SLA clock, the backlog's last snapshot) run to it. Read it here rather than from
    a column on every fact row, which would change on every row every night.
#}

with

watermark as (
    select * from {{ ref('int_ticket_extracts_watermarked') }}
),

final as (
    select
        as_of_at,
        as_of_date
    from watermark
)

select * from final

{{ config(materialized='table') }}

with

parts as (
    select * from {{ ref('stg_intercom__conversation_parts') }}
    where is_status_change
),

-- one status per conversation and instant, as a status history needs: the later-loaded part wins
ranked as (
    select
        *,
        row_number() over (
            partition by ticket_id, created_at
            order by _loaded_at desc, _source_file desc, _source_line desc
        ) as instant_rank
    from parts
),

final as (
    select
        ticket_id,
        created_at as changed_at,
        status_after as status,
        _source_file,
        _source_line,
        _loaded_at
    from ranked
    where instant_rank = 1
)

select * from final

{#
    Messages of every source system. Zendesk comments take their author type from the commenting
    user's role (agent/admin: agent, end-user: customer; an unknown user: system, counted on
    neither side); internal notes are the non-public comments. Intercom parts: comments, notes
    (internal) and assignments with a body, authored by admin (agent), user/lead (customer) or bot.
#}
{{ config(sw_keys_kept=true) }}

with

contract_messages as (
    select * from {{ ref('stg_helpdesk__ticket_messages') }}
),

zendesk_comments as (
    select * from {{ ref('stg_zendesk__ticket_comments') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

zendesk_authored as (
    select
        zendesk_comments.*,
        case
            when zendesk_users.is_agent then 'agent'
            when zendesk_users.user_role = 'end-user' then 'customer'
            else 'system'
        end as author_type,
        -- a user whose role changed re-types their comments
        greatest(zendesk_comments._loaded_at, coalesce(zendesk_users._loaded_at, zendesk_comments._loaded_at)) as authored_loaded_at
    from zendesk_comments
    left join zendesk_users
        on zendesk_comments.author_id = zendesk_users.user_id
),

-- Intercom parts that say something; the author type is the part's own (admin, user/lead, bot)
intercom_parts as (
    select * from {{ ref('stg_intercom__conversation_parts') }}
    where is_message
),

unioned as (
    select
        message_id,
        ticket_id,
        author_type,
        author_id,
        is_public,
        is_agent_reply,
        is_customer_message,
        created_at,
        'contract' as source_system,
        message_id as source_message_id,
        _source_file,
        _source_line,
        _loaded_at
    from contract_messages
    union all
    select
        message_id,
        ticket_id,
        author_type,
        author_id,
        is_public,
        author_type = 'agent' and is_public as is_agent_reply,
        author_type = 'customer' and is_public as is_customer_message,
        created_at,
        'zendesk' as source_system,
        source_message_id,
        _source_file,
        _source_line,
        authored_loaded_at as _loaded_at
    from zendesk_authored
    union all
    select
        message_id,
        ticket_id,
        author_type,
        author_id,
        is_public,
        author_type = 'agent' and is_public as is_agent_reply,
        author_type = 'customer' and is_public as is_customer_message,
        created_at,
        'intercom' as source_system,
        source_message_id,
        _source_file,
        _source_line,
        _loaded_at
    from intercom_parts
),

final as (
    select * from unioned
)

select * from final

{#
    The base_<source>__<entity> models' SQL lives in macros, one file per model in
    macros/staging/base/ (macro <model name>_sql(source_relation): the model's columns and rules,
    given to contract_base_sql, the SQL they share), because three callers type the same raw rows
    with the same rules:
      - the base_* view, over its whole source (the model file is the call, with a comment
        naming the macro file);
      - the stg_* (macro staged_versions, macros/staging/staged_versions.sql): a full build over
        its whole source (ranking only keys with several rows), a night over the raw rows loaded
        after the watermark only;
      - the rejects audit (models/audit/rejected_rows_staging.sql), over the files a night
        loaded or the keys with a raw row that did not make it into staging.
    Reading the base view through ref() with a filter would type all raw history every night:
    the rules rank versions with window functions (partition by key and file), and DuckDB
    pushes neither the `_loaded_at` filter nor a semi-join on files or keys below them.
    Connector base models (zendesk, intercom) have a single caller and keep their SQL in the
    model file.
#}

{#
    The typing and checks of base model `base_model` applied to `source_relation` (some of its raw
    rows): for callers that type a subset. `single_versions`: contract_base_sql's.
#}
{% macro base_model_sql(base_model, source_relation, single_versions=false) -%}
    {{ support_warehouse[base_model ~ '_sql'](source_relation, single_versions=single_versions) }}
{%- endmacro %}

"""The ``nightly_refresh`` job: raw assets, then one ``dbt build``, then the rejects checks.

Everything runs in one process, one step at a time (``in_process_executor``): DuckDB allows a single
writer process per database file, so the raw loads and the dbt subprocess must never overlap. The
raw assets share one step (``raw_extracts``), inside which entities load side by side on threads
of that one process.
Step retries come from the assets' RetryPolicy; run retries (a crashed run process) from the tags
below, honoured by the Dagster daemon when ``run_retries`` is enabled in dagster.yaml (see
support_warehouse/orchestration/instance.py). Failures of an asset or check are not retried as a whole run
(``retry_on_asset_or_op_failure: false``): the step retry policies already handled what was transient.
"""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job, in_process_executor

NIGHTLY_JOB = "nightly_refresh"
RUN_RETRY_TAGS = {
    "dagster/max_retries": "1",
    "dagster/retry_strategy": "FROM_FAILURE",
    "dagster/retry_on_asset_or_op_failure": "false",
}

nightly_refresh = define_asset_job(
    NIGHTLY_JOB,
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    tags=RUN_RETRY_TAGS,
    description=(
        "The night: load new landing files into raw (one asset per entity), dbt build (models, seeds, "
        "tests as asset checks), then the rejected-rows checks. A raw load error or an error-level "
        "dbt test fails the run, so nothing downstream of it (publishing) runs."
    ),
)

"""Dagster orchestration of the Support Warehouse night.

One code location (``support_warehouse.orchestration.definitions:defs``): a raw asset per landing entity, the dbt
project as assets (each dbt test an asset check), the ``nightly_refresh`` job, a 02:00 schedule and a
new-files sensor. ``support_warehouse.orchestration.run.run_nightly`` executes the job in process for the CLI.
"""

"""The one Dagster code location of the Support Warehouse (``dagster dev -m support_warehouse.orchestration.definitions``).

Assets: ``raw/<entity>`` per landing entity (group raw) -> the dbt project (groups staging,
intermediate, marts, audit, reference), each dbt test an asset check; checks ``loads_cleanly`` and
``no_rejected_rows`` per raw entity. Job ``nightly_refresh``; schedule ``nightly_refresh_schedule``
(02:00, SW_SCHEDULE_TZ); sensor ``new_landing_files``.
"""

from __future__ import annotations

from support_warehouse.orchestration.factory import build_defs

defs = build_defs()

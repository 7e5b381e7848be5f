"""Extract column names as both engines store them, and the required-column check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..contract import LANDING_TABLES, LINEAGE_COLUMNS
from .errors import LoadError

if TYPE_CHECKING:  # pragma: no cover
    from .files import LandingFile


def normalise_columns(names: Iterable[str]) -> list[str]:
    """Trim + lower-case (identifiers are case-insensitive), name blanks, de-duplicate and keep
    extract columns from colliding with the lineage columns."""
    out: list[str] = []
    used: set[str] = set()
    for i, raw in enumerate(names, start=1):
        name = normalise_name(raw, i)
        candidate, n = name, 2
        while candidate in used:
            candidate, n = f"{name}_{n}", n + 1
        used.add(candidate)
        out.append(candidate)
    return out


def normalise_name(raw: str | None, position: int) -> str:
    name = (raw or "").replace("\ufeff", "").strip().lower() or f"column_{position}"
    return f"{name}_extract" if name in LINEAGE_COLUMNS else name


def check_required(entity: str, f: LandingFile, columns: Iterable[str]) -> None:
    """Raise the LoadError that quarantines a file missing one of the entity's required columns."""
    present = set(columns)
    missing = [c for c in LANDING_TABLES[entity].required if c not in present]
    if not missing:
        return
    msg = f"{entity}: {f.display} is missing required column '{missing[0]}'"
    if len(missing) > 1:
        msg += " (also missing: " + ", ".join(f"'{c}'" for c in missing[1:]) + ")"
    raise LoadError(msg, entity, f.rel, missing[0])

"""Plain-text summary of a night (``support_warehouse.night.NightReport``): what the CLI prints."""

from __future__ import annotations

from .night import NightReport

_MAX_LISTED = 25


def format_report(report: NightReport) -> str:
    lines: list[str] = []
    took = ""
    if report.finished_at is not None:
        took = f" in {(report.finished_at - report.started_at).total_seconds():.1f}s"
    # The first line says how the night ended and, when it failed, why.
    causes = report.causes()
    verdict = "OK" if report.ok else "FAILED - " + "; ".join(causes or ["see below"])
    lines.append(f"Refresh {report.run_id} (target {report.target}){took}: {verdict}")
    lines.append(f"  landing:   {report.landing}")
    lines.append(f"  warehouse: {report.warehouse}")
    if report.dagster_home is not None:
        lines.append(f"  dagster:   run of {report.job_name} in {report.dagster_home} (support-warehouse ui shows it)")
    lines.append("")

    header = ("entity", "files", "rows loaded", "rejected: reader", "staging", "status")
    rows = []
    for e in report.entities.values():
        staging = "?" if e.rejected_staging is None else f"{e.rejected_staging:,}"
        status = "FAILED" if e.error else ("loaded" if e.files_loaded else "no new files")
        if e.files_quarantined:
            status += f", {len(e.files_quarantined)} quarantined"
        rows.append(
            (e.entity, str(len(e.files_loaded)), f"{e.rows_loaded:,}", f"{e.rejected_reader:,}", staging, status)
        )
    total_staging = (
        "?"
        if any(e.rejected_staging is None for e in report.entities.values())
        else f"{sum(e.rejected_staging or 0 for e in report.entities.values()):,}"
    )
    rows.append(
        (
            "total",
            str(sum(len(e.files_loaded) for e in report.entities.values())),
            f"{report.rows_loaded:,}",
            f"{sum(e.rejected_reader for e in report.entities.values()):,}",
            total_staging,
            "",
        )
    )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(["{:<%d}" % widths[0]] + ["{:>%d}" % w for w in widths[1:-1]] + ["{:<%d}" % widths[-1]])
    lines.append(fmt.format(*header).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for r in rows[:-1]:
        lines.append(fmt.format(*r).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines.append(fmt.format(*rows[-1]).rstrip())
    if report.staging_rejects_note:
        lines.append(f"  (staging rejects: {report.staging_rejects_note})")
    lines.append("")

    quarantined = report.quarantined
    if quarantined:
        lines.append(
            "Quarantined files (none of their rows loaded; the entity's other files did). Fix the file and "
            "drop the fixed copy into the landing folder, then remove the bad one:"
        )
        lines.extend(f"  - {why}" for why in quarantined.values())
        lines.append("")
    if report.stale_sources:
        lines.append("Source freshness (dbt thresholds; tune with the vars source_freshness_*_hours):")
        lines.extend(f"  - {s}" for s in report.stale_sources)
        lines.append("")
    if report.landing_problems:
        lines.append("Landing folder:")
        lines.extend(f"  - {p}" for p in report.landing_problems)
        lines.append("")
    if report.load_errors:
        lines.append("Load errors (those entities were not changed):")
        lines.extend(f"  - {msg}" for msg in report.load_errors)
        lines.append("")

    d = report.dbt
    if d is None:
        lines.append("dbt: not run")
    else:
        lines.append(
            f"dbt build: tests {d.passed} passed, {d.warned} warned, {d.failed} failed, "
            f"{d.errored} errored, {d.skipped} skipped; "
            f"nodes {d.nodes_ok} ok, {d.nodes_error} errored, {d.nodes_skipped} skipped"
        )
        if d.exception:
            lines.append(f"  dbt did not run: {d.exception}")
        for label, items in (
            ("Errored nodes", d.node_errors),
            ("Failed tests", d.failing_tests),
            ("Warnings", d.warning_tests),
        ):
            if items:
                lines.append(f"  {label}:")
                lines.extend(f"    - {n.describe()}" for n in items[:_MAX_LISTED])
                if len(items) > _MAX_LISTED:
                    lines.append(f"    ... and {len(items) - _MAX_LISTED} more")
    lines.append("")
    publication, publish_error = report.publication, report.publish_error
    if publication is not None:
        lines.append(f"Published: {publication.summary()}")
    elif publish_error:
        lines.append(f"Not published: {publish_error} (the previous publication is unchanged)")
    if report.ok:
        warnings = len(quarantined) + len(report.landing_problems) + len(report.stale_sources)
        lines.append("Result: OK" + (f" ({warnings} warning(s) above)" if warnings else ""))
    else:
        lines.append(
            "Result: FAILED - " + "; ".join(causes or ["see above"])
            + ("" if publish_error else " - not published, the previous publication is unchanged")
        )
    return "\n".join(lines)


def print_report(report: NightReport) -> None:
    print(format_report(report), flush=True)

"""Helpers shared by the collectors: cache labels and the one-transaction store of downloads."""

from __future__ import annotations

from data.cache import Cache


def cache_label(sources: list[str]) -> str:
    """Return the data label of items read back from the cache (where they came from).

    ``mirror (cached)``, ``live (cached)``, ``synthetic``, or ``mirror+live (cached)``.
    """
    kinds = sorted({s.split(":", 1)[0] for s in sources if s})
    if kinds == ["synthetic"]:
        return "synthetic"
    kinds = [k for k in kinds if k != "synthetic"] or ["cache"]
    return f"{'+'.join(kinds)} (cached)"


def store_staged(cache: Cache, staged: list[tuple], *, request_end: str) -> None:
    """Put every downloaded ``(key, table, source, request, sha, extra)`` in one transaction."""
    if not staged:
        return
    with cache.transaction() as tx:
        for key, table, source, request, sha, extra in staged:
            tx.put(
                key,
                table,
                source=source,
                request=request,
                raw_sha256=sha,
                request_end=request_end,
                **extra,
            )


def live_label(stale: list[str], notes: list[str], what: str, *, limit: int | None = None) -> str:
    """Return the label of a live load; note the items whose older cached copy was used."""
    if not stale:
        return "live"
    shown = stale if limit is None else stale[:limit]
    more = ", ..." if limit is not None and len(stale) > limit else ""
    notes.append(
        f"live: {len(stale)} {what} not refreshed, older cached copies used: "
        + ", ".join(shown)
        + more
    )
    return f"live (cached, {len(stale)} items stale)"


MIRROR_LAYOUT = (
    "prices/<TICKER>.csv, fred/<SERIES>.csv, edgar/CIK##########.json, "
    "edgar/submissions/CIK##########.json, capex/<NAME>.csv, french/<FILE>.csv, "
    "fred-md/current.csv, fred-qd/current.csv"
)
"""The mirror layout, as error messages state it."""


def mirror_layout_message(req: object, root: object) -> str:
    """Say that a mirror holds none of the configured files, what was looked for, the layout."""
    tickers, series, ciks = (len(getattr(req, k, ())) for k in ("tickers", "series", "ciks"))
    return (
        f"none of the configured files is in the mirror {root}: looked for {tickers} "
        f"prices/<TICKER>.csv, {series} fred/<SERIES>.csv, {ciks} edgar/CIK##########.json "
        f"and any capex/<NAME>.csv; expected layout: {MIRROR_LAYOUT}"
    )

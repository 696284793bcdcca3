"""The factor traded later is not always the one tested: components that went stale.

A component that counted in the factor in-sample but has no fresh value at the end of a
later sample (a series that stopped, a ratio whose inputs stopped being filed) drops out
of the composite there, so the held-out and post-registration rotations trade a factor
with fewer parts than the one the in-sample tests judged. :func:`stale_components` lists
them from ``metrics.json`` alone (``coverage.components`` and ``samples``);
:func:`stale_sentence` is the sentence the verdict and Today carry.

Timing
------
``last_active`` is the last date the component was defined and fresh
(:func:`signals.result.availability_table`); a component is stale at the end of a sample
when its last active date is before that sample's last date.
"""

from __future__ import annotations

from typing import Any

LATER = ("held_out", "post_registration")
WORDS = {"held_out": "held-out", "post_registration": "post-registration"}


def _date(x: Any) -> str | None:
    return x if isinstance(x, str) and x[:4].isdigit() else None


def stale_components(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Components live in-sample and stale at the end of a later sample.

    Parameters
    ----------
    metrics : dict
        A ``metrics.json`` with ``coverage.components`` and ``samples``.

    Returns
    -------
    list of dict
        ``{component, last_active, stale_at_end_of}`` (sample names, in order), one per
        component that was active on some in-sample date and is stale at the end of at
        least one later non-empty sample.

    Examples
    --------
    >>> m = {"coverage": {"components": [
    ...     {"component": "a", "first_active": "2015-01-02", "last_active": "2021-10-29"},
    ...     {"component": "b", "first_active": "2015-01-02", "last_active": "2026-01-30"}]},
    ...     "samples": {"in_sample": {"start": "2015-01-02", "end": "2024-06-28"},
    ...                 "held_out": {"start": "2024-07-01", "end": "2026-01-30"},
    ...                 "post_registration": {"start": None, "end": None}}}
    >>> stale_components(m)
    [{'component': 'a', 'last_active': '2021-10-29', 'stale_at_end_of': ['held_out']}]
    """
    samples = metrics.get("samples") or {}
    ins = samples.get("in_sample") or {}
    start, end = _date(ins.get("start")), _date(ins.get("end"))
    rows = (metrics.get("coverage") or {}).get("components") or []
    out = []
    if start is None or end is None:
        return out
    for r in rows:
        first, last = _date(r.get("first_active")), _date(r.get("last_active"))
        if first is None or last is None or first > end or last < start:
            continue  # never live in-sample
        later = [
            name
            for name in LATER
            if _date((samples.get(name) or {}).get("end")) and last < samples[name]["end"]
        ]
        if later:
            out.append(
                {"component": str(r["component"]), "last_active": last, "stale_at_end_of": later}
            )
    return out


def stale_sentence(metrics: dict[str, Any]) -> str:
    """One sentence naming the stale components per later sample ("" when none).

    Examples
    --------
    >>> s = stale_sentence({"stale_components": [
    ...     {"component": "a", "last_active": "2021-10-29", "stale_at_end_of": ["held_out"]}]})
    >>> s.endswith("at the end of the held-out sample a (no value after 2021-10-29) is stale.")
    True
    """
    rows = metrics.get("stale_components")
    if rows is None:
        rows = stale_components(metrics)
    parts = []
    for name in LATER:
        names = [
            f"{r['component']} (no value after {r['last_active']})"
            for r in rows
            if name in r["stale_at_end_of"]
        ]
        if names:
            verb = "is" if len(names) == 1 else "are"
            parts.append(f"at the end of the {WORDS[name]} sample {', '.join(names)} {verb} stale")
    if not parts:
        return ""
    return "Traded later without parts tested in-sample: " + "; ".join(parts) + "."

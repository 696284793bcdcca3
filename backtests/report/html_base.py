"""HTML building blocks of the report: escaping, numbers tied to ``metrics.json``, tables.

Every number taken from ``metrics.json`` is written as ``<span class="num" data-key="a.b"
data-value="...">`` (:func:`num`) so a test can check the page against the file.
"""

from __future__ import annotations

import html
from typing import Any

PERCENT_KEYS = {"total_return", "cagr", "ann_vol", "max_drawdown", "turnover", "alpha_ann", "r2_os"}


def esc(x: Any) -> str:
    """HTML-escape any value's string form."""
    return html.escape(str(x))


def fmt_value(key: str, value: Any) -> str:
    """Format a metric for display: percentages for returns, 3 decimals otherwise."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        leaf = key.rsplit(".", 1)[-1]
        if leaf in PERCENT_KEYS:
            return f"{value * 100:.2f}%"
        if key.startswith("mechanism.") and "pvalue" not in leaf:  # slopes in any units
            return f"{value:.4g}"
        return f"{value:.3f}"
    return str(value)


def num(key: str, value: Any) -> str:
    """Render a metric as a tagged span (``data-key`` names its place in metrics.json)."""
    raw = "" if value is None else repr(value)
    return (
        f'<span class="num" data-key="{esc(key)}" data-value="{esc(raw)}">'
        f"{esc(fmt_value(key, value))}</span>"
    )


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Render an HTML table from already-rendered cells."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure(png_b64: str, alt: str, caption: str) -> str:
    """Render a PNG figure with alt text and a caption.

    ``png_b64`` is the image in base64 (embedded), or a relative path ending in ``.png``
    (a file beside the page, loaded lazily).
    """
    if png_b64.endswith(".png"):
        return (
            f'<figure><img alt="{esc(alt)}" loading="lazy" src="{esc(png_b64)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>"
        )
    return (
        f'<figure><img alt="{esc(alt)}" src="data:image/png;base64,{png_b64}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


SAMPLE_TITLES = {
    "in_sample": "in-sample",
    "held_out": "held-out (pseudo-OOS)",
    "post_registration": "post-registration",
    "full": "full",
}

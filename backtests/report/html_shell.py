"""The page shell every report shares: the style sheet, the content policy and ``<html>``.

The main report (:mod:`backtests.report.html`) and the long-history report
(:mod:`backtests.history.report`) are written through :func:`page`, so both look the same,
open offline and load nothing from the network. The style keeps every table inside a
1280-pixel window: cells wrap, numbers do not, and a wide table shrinks its font rather than
running past the page.
"""

from __future__ import annotations

import html

CSS = """
body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1b1b1b;
line-height:1.45;background:#fafafa}
main{max-width:1000px;margin:0 auto;padding:1rem;overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:.5rem 0}
h2{font-size:1.15rem;margin-top:1.8rem;border-bottom:1px solid #ddd}
nav.crumbs{font-size:.85rem;margin:.3rem 0 .6rem}
.banner{background:#b00020;color:#fff;padding:.7rem 1rem;font-weight:700;text-align:center}
.verdict{background:#eef3f8;border-left:4px solid #1d3557;padding:.6rem .9rem}
.advice{background:#fff;border:1px solid #cfd8e3;border-left:4px solid #2a9d8f;padding:.6rem .9rem;
font-size:1.02rem}
.caveat{background:#fff3cd;padding:.4rem .7rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0;max-width:100%}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right;vertical-align:top;
white-space:normal;overflow-wrap:normal}
th{background:#f1f3f5;font-weight:600;hyphens:auto}
th:first-child,td:first-child{text-align:left}
td.text,th.text{text-align:left;min-width:14rem}
.num{white-space:nowrap}
table.wide{font-size:.74rem}table.wide th,table.wide td{padding:.2rem .3rem}
figure{margin:1rem 0;max-width:100%}figure img{max-width:100%;height:auto;border:1px solid #eee;
background:#fff}
figure.interactive>div{max-width:100%}
figcaption{font-size:.85rem;color:#555}code{font-size:.8rem;word-break:break-all}
.muted{color:#666;font-size:.85rem}
a.term{color:inherit;text-decoration:underline dotted #1d3557;text-underline-offset:2px}
dl.glossary dt{font-weight:600;margin-top:.6rem}dl.glossary dd{margin:.1rem 0 0 1.2rem}
dl.glossary dt:target{background:#fff3cd}
"""

# the page loads nothing from the network: inline styles and scripts (plotly.js is embedded),
# images as data: URIs or files beside the page (figures/*.png); a request elsewhere would be
# refused and logged to the console
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src 'self' data: file:; font-src data:"
)


def page(
    title: str,
    body: str,
    *,
    head_js: str = "",
    banner: str = "",
    footer: str = "",
    synthetic: bool = False,
) -> str:
    """Return a whole HTML document in the reports' shell.

    Parameters
    ----------
    title : str
        Text of ``<title>`` (escaped here); " (SYNTHETIC)" is appended when ``synthetic``.
    body : str
        The rendered content of ``<main>``.
    head_js : str
        Scripts for ``<head>`` (plotly.js, once).
    banner : str
        Rendered element placed before ``<main>`` (the synthetic-data banner).
    footer : str
        Rendered element closing ``<main>``.
    synthetic : bool
        Whether the data is synthetic (marks the title).

    Returns
    -------
    str
        The document, starting with ``<!DOCTYPE html>``.
    """
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        f"<title>{html.escape(title)}{' (SYNTHETIC)' if synthetic else ''}</title>"
        f"<style>{CSS}</style>{head_js}</head><body>{banner}<main>{body}{footer}"
        "</main></body></html>"
    )

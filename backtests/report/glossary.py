"""The reports' glossary: one or two sentences per test or term, and links to them.

A section calls :func:`term` to name a test with a link to its entry
(``term("SPA")`` -> ``<a class="term" href="#g-spa">SPA</a>``); the page ends with
:func:`glossary_section`. :func:`link_terms` links the first plain mention of each term in a
rendered page (text only: never inside a tag, a link, a heading, code or a script), so a
section that names a test in words gets its link too.
"""

from __future__ import annotations

import html
import re

# key -> (label, aliases found in text, explanation). Keys are what :func:`term` takes.
ENTRIES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "pseudo-OOS": (
        "Held-out sample (pseudo-out-of-sample)",
        ("pseudo-out-of-sample", "pseudo-OOS", "held-out"),
        "The dates after the in-sample window. The rule was not tuned on them, but whoever "
        "chose the specification had seen them, so a good held-out result is weaker evidence "
        "than a true out-of-sample one.",
    ),
    "in-sample": (
        "In-sample",
        ("in-sample",),
        "The dates on which the specification was searched and tuned; statistics there are "
        "flattered by the search and are deflated for the number of trials.",
    ),
    "post-registration": (
        "Post-registration sample",
        ("post-registration",),
        "The dates after the specification was frozen and recorded with its hash: the only "
        "data nobody had seen when choosing it. It counts only while the report's "
        "specification still matches the registered one.",
    ),
    "HAC": (
        "HAC / Newey–West",
        ("Newey–West", "Newey-West", "HAC"),
        "Standard errors that stay valid when returns are autocorrelated and their variance "
        "changes over time (heteroskedasticity- and autocorrelation-consistent, with "
        "Newey and West's weights).",
    ),
    "hodrick": (
        "Hodrick 1B",
        ("Hodrick 1B",),
        "Hodrick's (1992) standard errors for a regression of overlapping multi-day returns: "
        "they sum the regressor backwards instead of the returns forwards, which keeps the "
        "test's size right when the horizons overlap.",
    ),
    "IVX": (
        "IVX",
        ("IVX",),
        "A predictive-regression test (Kostakis, Magdalinos and Stamatogiannis 2015) that "
        "instruments the factor with a mildly integrated version of itself, so its p-value "
        "stays valid whether the factor is stationary or nearly a random walk.",
    ),
    "SPA": (
        "SPA (superior predictive ability)",
        ("SPA",),
        "Hansen's (2005) test of whether the best of all the variants tried beats the "
        "benchmark once the search over variants is accounted for; a small p-value means at "
        "least one variant really does.",
    ),
    "StepM": (
        "StepM",
        ("StepM", "Romano–Wolf", "Romano-Wolf"),
        "Romano and Wolf's (2005) step-down test: it names which variants beat the benchmark "
        "while holding the chance of any false discovery at 5%.",
    ),
    "PBO": (
        "PBO / CSCV",
        ("PBO", "CSCV"),
        "Probability of backtest overfitting (Bailey, Borwein, López de Prado and Zhu): split "
        "the in-sample dates into halves every way (combinatorially symmetric cross-"
        "validation) and count how often the best variant of one half ranks below the median "
        "in the other. Near 0 is good, 0.5 or more means the search picks noise.",
    ),
    "deflated Sharpe": (
        "Deflated Sharpe ratio",
        ("deflated Sharpe",),
        "The probability that the true Sharpe ratio is above the best one would expect from "
        "as many pure-noise trials as were effectively run (Bailey and López de Prado 2014), "
        "allowing for skewed and fat-tailed returns. Above 0.95 is the usual bar.",
    ),
    "Ledoit–Wolf": (
        "Ledoit–Wolf interval",
        ("Ledoit–Wolf", "Ledoit-Wolf"),
        "A confidence interval for the difference of two Sharpe ratios from a studentized "
        "block bootstrap (Ledoit and Wolf 2008), valid when the two return series are "
        "correlated and autocorrelated.",
    ),
    "bootstrap": (
        "Stationary bootstrap",
        ("stationary bootstrap",),
        "Resampling blocks of consecutive days of random length (Politis and Romano 1994), "
        "which keeps the returns' autocorrelation in each resample.",
    ),
    "placebo": (
        "Placebo shifts",
        ("placebo",),
        "The factor is shifted in time by a random number of days (wrapping around) and "
        "traded the same way; the p-value is the share of shifted factors that do at least "
        "as well as the real one. It asks whether timing matters, not only exposure.",
    ),
    "local projection": (
        "Local projection",
        ("local projection",),
        "Jordà's (2005) way to trace a response: regress the outcome's change h steps ahead "
        "on today's shock and lagged controls, one regression per horizon.",
    ),
    "threshold test": (
        "Threshold test",
        ("threshold test",),
        "Hansen's (1996, 2000) test of whether a slope changes when a variable crosses an "
        "unknown level; the level is estimated and the p-value accounts for the search.",
    ),
    "R2OS": (
        "R²_OS and Clark–West",
        ("R²_OS", "Clark–West", "Clark-West"),
        "R²_OS is the out-of-sample reduction in squared forecast error against the "
        "historical mean (positive: the forecast helps); Clark and West's (2007) test asks "
        "whether that gain is significant, correcting for the noise of estimating the "
        "larger model.",
    ),
    "trials": (
        "Trials: raw, distinct, effective",
        ("effective trials", "trials"),
        "Every variant tried counts (sweep grid, ablation, baskets, targets): raw is the "
        "count, distinct drops duplicates, effective is the number of independent trials "
        "implied by how correlated their returns are. The hurdle for a t-statistic rises "
        "with it.",
    ),
    "HML": (
        "HML, RMW, CMA",
        ("HML", "RMW", "CMA"),
        "Ken French's long–short factor portfolios: HML buys high book-to-market (value) and "
        "sells low (growth) stocks; RMW buys robust and sells weak profitability; CMA buys "
        "firms that invest little and sells firms that invest heavily. Each stands in for "
        "near-term cash flows against long-duration bets on the long history.",
    ),
    "active": (
        "Active return",
        ("active return", "information ratio"),
        "The strategy's return minus the benchmark's, day by day; its Sharpe ratio is the "
        "information ratio.",
    ),
}


def anchor(key: str) -> str:
    """Return the element id of a glossary entry (``"SPA"`` -> ``"g-spa"``)."""
    if key not in ENTRIES:
        raise KeyError(f"no glossary entry {key!r}; entries: {', '.join(ENTRIES)}")
    return "g-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def term(key: str, text: str | None = None) -> str:
    """Return ``text`` (default: ``key``) linked to its glossary entry.

    Examples
    --------
    >>> term("SPA")
    '<a class="term" href="#g-spa">SPA</a>'
    """
    return f'<a class="term" href="#{anchor(key)}">{html.escape(text or key)}</a>'


def glossary_section(keys: list[str] | None = None) -> str:
    """Render the glossary (every entry, or ``keys`` in that order) as a definition list."""
    items = []
    for key in keys or list(ENTRIES):
        label, _aliases, text = ENTRIES[key]
        items.append(
            f'<dt id="{anchor(key)}">{html.escape(label)}</dt><dd>{html.escape(text)}</dd>'
        )
    return '<h2 id="glossary">Glossary</h2><dl class="glossary">' + "".join(items) + "</dl>"


_SKIP = {"a", "h1", "h2", "h3", "code", "script", "style", "summary", "dt", "th", "title"}
_TOKEN = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<[^>]+>)", re.S | re.I)


def link_terms(page: str) -> str:
    """Link the first plain-text mention of each glossary term in ``page``.

    Only text between tags is touched, never inside ``<a>``, headings, ``<summary>``,
    ``<th>``, ``<code>``, scripts or styles, and never an entry already linked with
    :func:`term`. Terms are matched as whole words.
    """
    done = set(re.findall(r'href="#(g-[a-z0-9-]+)"', page))
    pats = []
    for key, (_label, aliases, _text) in ENTRIES.items():
        for a in sorted(aliases, key=len, reverse=True):
            pats.append((key, re.compile(rf"(?<![\w-]){re.escape(html.escape(a))}(?![\w-])")))
    out, stack = [], []
    for part in _TOKEN.split(page):
        if part.startswith("<"):
            m = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
            if m and not part.startswith(("<script", "<style")):
                name = m.group(2).lower()
                if name in _SKIP:
                    if m.group(1):
                        if name in stack:
                            stack.remove(name)
                    elif not part.endswith("/>"):
                        stack.append(name)
            out.append(part)
            continue
        if stack or not part.strip():
            out.append(part)
            continue
        out.append(_link_run(part, pats, done))
        continue
    return "".join(out)


def _link_run(text: str, pats: list[tuple[str, re.Pattern[str]]], done: set[str]) -> str:
    """Link the earliest not-yet-linked term in ``text``, then carry on after it."""
    best = None
    for key, pat in pats:
        if anchor(key) in done:
            continue
        m = pat.search(text)
        if m and (best is None or m.start() < best[1].start()):
            best = (key, m)
    if best is None:
        return text
    key, m = best
    done.add(anchor(key))
    link = f'<a class="term" href="#{anchor(key)}">{m.group(0)}</a>'
    return text[: m.start()] + link + _link_run(text[m.end() :], pats, done)

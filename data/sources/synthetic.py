"""A seeded synthetic market with a planted effect, written in the offline-mirror layout.

:func:`write_synthetic_mirror` simulates the whole universe (prices, FRED series, SEC
filings) and writes it exactly as a real mirror (``prices/``, ``fred/``, ``edgar/``), so the
pipeline runs on it unchanged; ``SYNTHETIC.md`` and ``synthetic.json`` mark the directory as
synthetic, and ``truth/scarcity.csv`` holds the latent truth. The same seed gives
byte-identical files. The simulation itself is :mod:`data.sources.synthetic_model`, the
EDGAR documents :mod:`data.sources.synthetic_edgar`, the returned truth
:mod:`data.sources.synthetic_truth`; this module is the writer of the mirror layout.

The model
---------
Calendar: business days are Monday to Friday (as :mod:`data.calendar`); crypto trades every
calendar day. Parameters are the ``[synthetic]`` configuration keys.

1. **Hyperscaler capex** (``cfg.universe.hyperscalers``; MSFT's fiscal year ends in June,
   ORCL's in May, the others' in December). Per fiscal quarter, log capex = base growth
   (``capex_base_growth`` per quarter) + a boom switched on by ``capex_boom`` that accelerates
   growth by ``capex_boom_growth`` per quarter from ``capex_boom_start`` (ramped over
   ``capex_boom_ramp_quarters``, scaled by a company intensity) + a common AR(1) cycle + a
   fiscal seasonal + noise. Operating cash flow exceeds capex most of the time (it grows
   slightly faster than base capex and less in the boom); debt issuance is lumpy bonds plus
   1.2 x ``max(0, capex - 0.85 OCF)``, so it rises when capex outruns OCF. Filings: a 10-Q
   25-40 days after fiscal Q1-Q3 (year-to-date facts: 3, 6, 9 months, with the prior year's
   same period as comparative), a 10-K 30-60 days after the year end (the fiscal year and
   the two before). A capex or OCF comparative is restated with probability
   ``restatement_prob`` (by up to 5%; debt issuance, often zero in a quarter, never is); the
   SEC ``frame`` marks the latest filing of a 3- or 12-month period.
   Filings start ``fundamentals_lead_years`` before ``start``.
2. **Idle liquidity**: the ON RRP balance (billions) sits near ``rrp_base_bn``, fills to
   ``rrp_peak_bn`` from ``rrp_fill_start`` to ``rrp_peak_start``, drains from
   ``rrp_drain_start`` to ``rrp_floor_bn`` at ``rrp_drain_end`` (log-AR noise, quarter-end
   spikes). Fed assets (WALCL) and the TGA (WTREGEN) are stylized paths with noise (millions,
   Wednesdays); reserves (WRESBAL, billions, Wednesdays) are Fed assets - TGA - RRP -
   currency - other liabilities.
3. **Latent scarcity**: ``scarcity_t = z(w_c z(capex growth_t) - w_r z(RRP_t))`` on business
   days, where capex growth is the aggregate trailing-4-quarter capex over the 4 quarters
   before, from filings available at t (the business day after ``filed``), and RRP_t the
   latest observation released by t (its ``[macro.series]`` lag). The z-scores are
   full-sample (a constant affine map): the truth's time variation is known at t.
4. **Funding yields** (percent, FRED calendars, empty cells on federal holidays): a stylized
   policy-rate staircase gives DFF, IORB (from 2021-07-29) and expected short rates; DGS3MO
   and DGS2 follow expected policy; DGS10 = expectations + term premium (THREEFYTP10;
   ACMTP10 at month ends) + an AR(1) level; DFII10 = DGS10 - breakeven; T10Y2Y, T10Y3M are
   differences; Baa, IG and HY spreads move with market volatility; SOFR (from 2018-04-03)
   trades over the policy floor more as RRP and reserves run out; VIX tracks the market's
   conditional volatility. Scarcity pushes the 10-year yield up by ``yield_response`` pp per
   unit (2y, term premium in proportion) and the Baa spread by ``spread_response``.
5. **Assets** (``cfg.tickers``): business-day simple returns from five factors (market,
   tech, semis, speculative growth, and the 10-year rate shock, which long-duration assets
   load negatively) plus idiosyncratic shocks; every shock is GARCH(1,1)
   (``garch_alpha``, ``garch_beta``) with Student-t innovations (``student_df``): fat tails
   and volatility clustering. BTC-USD trades 7 days a week; its weekend moves land on Monday
   when sampled on business days. ``late_ticker`` starts at ``late_start`` (a spin-off).
6. **Planted effect**: near-basket members get ``+effect_size * scarcity_t / 2`` and long-
   basket members ``-effect_size * scarcity_t / 2`` added to their return from close t to
   the close of the next business day (for crypto, on that day's calendar return). So the
   expected equal-weight near-minus-long business-day return on t+1 is
   ``effect_size * scarcity_t``, whatever members exist; ``effect_size = 0`` is the null.
   Nothing else in the world depends on the effect size.

Default effect size
-------------------
The equal-weight spread has a daily volatility of about 2.2% (35% a year, realistic for
memory/storage names against BTC, ARKK, IGV). With ``effect_size = 0.0014`` the
scarcity-weighted spread has a population Sharpe ratio of about 0.95 a year and the
sign-of-scarcity strategy about 0.65; over 12 years the OLS t-statistic of the next-day
spread on the truth averages 3.3 (above 2 in 93% of 40 seeds; with effect 0, mean -0.1,
standard deviation 0.9). Detectable, not absurd.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from data.config import Config
from data.errors import ConfigError, DataError
from data.sources.synthetic_edgar import TAGS, companyfacts, sec_frame
from data.sources.synthetic_macro import DECIMALS
from data.sources.synthetic_model import STREAMS, SimulatedMarket, simulate_market
from data.sources.synthetic_truth import SyntheticTruth

log = logging.getLogger(__name__)

MARKER_MD, MARKER_JSON = "SYNTHETIC.md", "synthetic.json"
SUBDIRS = ("prices", "fred", "edgar", "truth")


def _column(values: np.ndarray, decimals: int) -> list[str]:
    """Format a float column; NaN becomes an empty cell and -0 prints as 0."""
    spec = f".{decimals}f"
    return ["" if v != v else format(v + 0.0, spec) for v in values.tolist()]


def _csv(header: str, index: pd.DatetimeIndex, cols: list[np.ndarray], decimals: list[int]) -> str:
    cells = [index.strftime("%Y-%m-%d").tolist()]
    cells += [_column(c, k) for c, k in zip(cols, decimals, strict=True)]
    return "\n".join([header, *(",".join(row) for row in zip(*cells, strict=True))]) + "\n"


def _prepare(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise DataError("synthetic mirror root exists and is not a directory", source=str(root))
    marked = (root / MARKER_JSON).is_file() or (root / MARKER_MD).is_file()
    if not marked and any(p.is_file() for d in SUBDIRS for p in (root / d).glob("*")):
        raise DataError(
            "refusing to write a synthetic market here: the directory holds mirror data "
            f"without a {MARKER_JSON} marker (a real mirror?); choose an empty directory",
            source=str(root),
        )
    for d in SUBDIRS:
        for old in (root / d).glob("*") if marked else ():
            if old.is_file() and old.suffix in (".csv", ".json"):
                old.unlink()
        (root / d).mkdir(parents=True, exist_ok=True)


def _marker(cfg: Config, seed: int, effect: float, truth_sharpe: float) -> tuple[str, str]:
    params = {**cfg.synthetic.to_dict(), "seed": seed, "effect_size": effect}
    meta = {
        "synthetic": True,
        "generator": "data.sources.synthetic",
        "seed": seed,
        "effect_size": effect,
        "start": str(params["start"]),
        "end": str(params["end"]),
        "near": list(cfg.universe.near),
        "long": list(cfg.universe.long),
        "implied_sharpe": round(truth_sharpe, 6),
        "parameters": params,
    }
    md = (
        "# SYNTHETIC DATA\n\nEverything in this directory was simulated by "
        "`data.sources.synthetic.write_synthetic_mirror`; it is not market history.\n\n"
        f"- seed: {seed}\n- effect size: {effect:g} (expected near-minus-long return on the "
        "next business day per unit of the latent scarcity; 0 = no effect)\n"
        f"- period: {meta['start']} .. {meta['end']}\n"
        "- truth: `truth/scarcity.csv` (`scarcity` known at close t; `expected_spread` = the "
        "planted expected spread return realized on that row's date; `spread` realized)\n"
    )
    return md, json.dumps(meta, indent=2, sort_keys=True) + "\n"


def write_synthetic_mirror(
    root: str | Path,
    cfg: Config,
    *,
    seed: int | None = None,
    effect_size: float | None = None,
) -> SyntheticTruth:
    """Simulate a market and write it in the mirror layout under ``root``.

    Parameters
    ----------
    root : str or Path
        Target directory (created). It must be empty or a previous synthetic mirror (whose
        files are replaced); a directory holding mirror data without a marker is refused.
    cfg : Config
        Configuration: ``[synthetic]`` model and dates, ``[universe]`` tickers and CIKs,
        ``[macro.series]`` series written and the RRP release lag, ``data.crypto``.
    seed : int, keyword-only, optional
        Default ``cfg.synthetic.seed``.
    effect_size : float, keyword-only, optional
        Planted daily near-minus-long return per unit of scarcity; default
        ``cfg.synthetic.effect_size``; 0 is the null world.

    Returns
    -------
    SyntheticTruth
        The latent scarcity, the planted expected spread, provenance of the files.

    Raises
    ------
    ConfigError
        A bad seed, effect size or ``[synthetic]`` value, a hyperscaler without a CIK.
    DataError
        ``root`` holds unmarked mirror data.

    Timing
    ------
    ``scarcity`` at t uses filings available at t and RRP released by t; the planted return
    it drives is realized from close t to the next business day's close.

    Examples
    --------
    >>> import tempfile
    >>> from data.config import load_config
    >>> truth = write_synthetic_mirror(tempfile.mkdtemp(), load_config(), seed=1)
    >>> sorted(p.name for p in truth.root.iterdir())[:3]
    ['SYNTHETIC.md', 'edgar', 'fred']
    """
    t0 = time.perf_counter()
    seed = cfg.synthetic.seed if seed is None else seed
    effect = cfg.synthetic.effect_size if effect_size is None else effect_size
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ConfigError(f"`seed` must be an integer >= 0, got {seed!r}")
    if isinstance(effect, bool) or not isinstance(effect, int | float) or not abs(effect) < 0.05:
        raise ConfigError(f"`effect_size` must be a finite number in (-0.05, 0.05), got {effect!r}")
    seed, effect = int(seed), float(effect)
    p_restate = float(cfg.synthetic.get("restatement_prob", 0.05))
    if not 0 <= p_restate <= 1:
        raise ConfigError(f"`synthetic.restatement_prob` must be in [0, 1], got {p_restate}")
    ciks = cfg.universe.cik
    lost = [t for t in cfg.universe.hyperscalers if t not in ciks]
    if lost:
        raise ConfigError(f"hyperscalers {lost} have no CIK in [universe.cik]")
    root = Path(root)
    market: SimulatedMarket = simulate_market(cfg, seed=seed, effect_size=effect)
    _prepare(root)
    texts: dict[str, str] = {}
    for t, px in market.prices.items():
        texts[f"prices/{t}.csv"] = _csv("Date,Close", px.index, [px.to_numpy()], [6])
    for name in cfg.macro.series:
        s = market.macro.get(name)
        if s is None:
            log.warning("synthetic market has no model for macro series %s; not written", name)
            continue
        texts[f"fred/{name}.csv"] = _csv(
            f"observation_date,{name}", s.index, [s.to_numpy()], [DECIMALS.get(name, 2)]
        )
    rng = np.random.default_rng(
        np.random.SeedSequence(seed).spawn(len(STREAMS))[STREAMS.index("filings")]
    )
    for t in cfg.universe.hyperscalers:
        cik = str(ciks[t]).zfill(10)
        doc = companyfacts(market.quarters, t, cik, rng, p_restate)
        texts[f"edgar/CIK{cik}.json"] = json.dumps(doc, separators=(",", ":")) + "\n"
    comps = market.components
    cols = [market.scarcity, comps["capex_growth"], comps["rrp_bn"], market.expected_spread]
    texts["truth/scarcity.csv"] = _csv(
        "date,scarcity,capex_growth,rrp_bn,expected_spread,spread",
        market.scarcity.index,
        [c.to_numpy(dtype="float64") for c in (*cols, market.spread)],
        [10, 10, 3, 12, 12],
    )
    truth = SyntheticTruth(
        scarcity=market.scarcity,
        components=comps,
        expected_spread=market.expected_spread,
        spread=market.spread,
        effect_size=effect,
        seed=seed,
        root=root,
    )
    texts[MARKER_MD], texts[MARKER_JSON] = _marker(cfg, seed, effect, truth.implied_sharpe())
    files = {}
    # the markers go first, so an interrupted write still leaves a marked directory
    for rel in sorted(texts, key=lambda r: r not in (MARKER_MD, MARKER_JSON)):
        text = texts[rel]
        raw = text.encode()
        (root / rel).write_bytes(raw)
        files[rel] = hashlib.sha256(raw).hexdigest()
    seconds = time.perf_counter() - t0
    log.info(
        "synthetic market (seed %d, effect %g): %d files in %.2f s",
        seed,
        effect,
        len(files),
        seconds,
    )
    return SyntheticTruth(**{**truth.__dict__, "files": files, "seconds": seconds})


# The EDGAR writer's former private name here, kept for importers of this module.
_frame = sec_frame

__all__ = [
    "MARKER_JSON",
    "MARKER_MD",
    "SUBDIRS",
    "TAGS",
    "SyntheticTruth",
    "companyfacts",
    "write_synthetic_mirror",
]

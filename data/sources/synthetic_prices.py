"""Asset prices of the synthetic market: the return-factor model and the planted drift.

:func:`simulate_prices` draws closes per ticker from five return factors, GARCH Student-t
idiosyncratic shocks and the planted near-minus-long drift (each ticker's parameters in
:data:`ASSETS`, a role's template otherwise); :func:`spread_returns` is the realized
equal-weight near-minus-long return of the baskets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.config import Config
from data.sources.synthetic_primitives import config_date, garch, shock_params, student_t

FACTOR_VOLS = {"market": 0.0095, "tech": 0.008, "semis": 0.010, "spec": 0.010, "rate": 0.004}
"""Daily volatility of each return factor (loading 1)."""

# ticker: (drift p.a., vol p.a., market, tech, semis, spec, rate, first price); crypto vols
# and drifts are per 365 calendar days, the others per 252 business days
ASSETS = {
    "SPY": (0.09, 0.16, 1.00, 0.0, 0.0, 0.0, 0.0, 180.0),
    "QQQ": (0.12, 0.21, 1.10, 0.9, 0.0, 0.0, -0.3, 85.0),
    "MSFT": (0.15, 0.26, 1.00, 1.0, 0.0, 0.0, -0.2, 35.0),
    "GOOGL": (0.14, 0.29, 1.05, 1.0, 0.0, 0.0, -0.2, 28.0),
    "AMZN": (0.16, 0.33, 1.10, 1.1, 0.0, 0.0, -0.3, 20.0),
    "META": (0.16, 0.40, 1.20, 1.1, 0.0, 0.0, -0.3, 55.0),
    "ORCL": (0.10, 0.28, 0.90, 0.6, 0.0, 0.0, 0.0, 33.0),
    "MU": (0.12, 0.45, 1.40, 0.7, 1.0, 0.0, 0.0, 22.0),
    "WDC": (0.08, 0.42, 1.30, 0.6, 0.8, 0.0, 0.0, 60.0),
    "STX": (0.08, 0.38, 1.20, 0.5, 0.7, 0.0, 0.0, 45.0),
    "SNDK": (0.10, 0.55, 1.40, 0.6, 1.0, 0.0, 0.0, 40.0),
    "ARKK": (0.10, 0.40, 1.40, 0.8, 0.0, 1.2, -0.8, 20.0),
    "IGV": (0.11, 0.26, 1.10, 0.9, 0.0, 0.5, -0.5, 90.0),
    "BTC-USD": (0.30, 0.70, 0.50, 0.0, 0.0, 1.0, -0.5, 800.0),
    # robustness-basket members ([universe.robustness]), drawn from the "extra" stream
    "VTV": (0.08, 0.15, 0.90, -0.2, 0.0, 0.0, 0.1, 80.0),
    "XLE": (0.06, 0.27, 0.90, -0.3, 0.0, 0.0, 0.3, 70.0),
    "ETH-USD": (0.35, 0.90, 0.50, 0.0, 0.0, 1.2, -0.6, 10.0),
    "WCLD": (0.10, 0.35, 1.20, 1.0, 0.0, 0.8, -0.7, 30.0),
}
ASSET_TEMPLATE = {"near": "STX", "long": "ARKK", "crypto": "BTC-USD", "other": "SPY"}


def asset_params(ticker: str, role: str) -> tuple:
    """Return the :data:`ASSETS` parameters of ``ticker``, else those of the role's template.

    ``role`` is ``near``, ``long``, ``crypto`` or ``other`` (see :data:`ASSET_TEMPLATE`).
    """
    return ASSETS.get(ticker, ASSETS[ASSET_TEMPLATE[role]])


def simulate_prices(
    cfg: Config,
    days: pd.DatetimeIndex,
    cal: pd.DatetimeIndex,
    factors: np.ndarray,
    rate_z: np.ndarray,
    drift: np.ndarray,
    streams: dict[str, np.random.Generator],
) -> dict[str, pd.Series]:
    """Simulate closes per ticker: factor model, GARCH Student-t shocks and the planted drift.

    Business-day simple return of ticker i on day t: ``mu_i + sum_k load_ik vol_k f_kt +
    sd_i e_it + role_i drift_t / 2`` with ``role`` +1 for the near basket, -1 for the long
    basket, 0 otherwise (clipped at -90%). Crypto trades every calendar day: weekday returns
    carry the business-day factors and drift, weekends only its own shocks, so a business-day
    sample sees the weekend in Monday's return and the drift exactly once. Members of the
    robustness baskets (``cfg.robustness_tickers``) take the role of their side and draw
    their shocks from the ``extra`` stream.
    """
    s = cfg.synthetic
    df, alpha, beta = shock_params(cfg)
    near, long = set(cfg.universe.near), set(cfg.universe.long)
    rob = cfg.robustness_baskets
    rob_near = {t for names in rob["near"].values() for t in names} - long
    rob_long = {t for names in rob["long"].values() for t in names} - near
    crypto = set(cfg.data.crypto)
    late = str(s.get("late_ticker", "SNDK"))
    late_start = config_date(cfg, "late_start", "2025-02-24")
    vols = np.array([FACTOR_VOLS[k] for k in ("market", "tech", "semis", "spec", "rate")])
    fac = np.column_stack([factors, rate_z]) * vols  # (T, 5) daily factor returns
    weekday = cal.day_of_week < 5
    bpos = days.searchsorted(cal[weekday])
    out: dict[str, pd.Series] = {}
    # the configured tickers from the "idio"/"crypto" streams, then the robustness members
    # from the "extra" stream (so adding those leaves the others' draws unchanged)
    groups = [(list(cfg.tickers), streams["idio"], streams["crypto"], near, long)]
    if cfg.robustness_tickers:
        groups.append(
            (list(cfg.robustness_tickers), streams["extra"], streams["extra"], rob_near, rob_long)
        )
    for tickers, rng_eq, rng_cr, g_near, g_long in groups:
        is_crypto = [t in crypto or t.endswith("-USD") for t in tickers]
        eq = [t for t, c in zip(tickers, is_crypto, strict=True) if not c]
        cr = [t for t, c in zip(tickers, is_crypto, strict=True) if c]
        idio_eq, _ = garch(student_t(rng_eq, (len(days), len(eq)), df), alpha, beta)
        idio_cr, _ = garch(student_t(rng_cr, (len(cal), len(cr)), df), alpha, beta)
        for t in tickers:
            role = "near" if t in g_near else "long" if t in g_long else None
            crypt = t in cr
            mu, vol, *load, p0 = asset_params(t, role or ("crypto" if crypt else "other"))
            load = np.array(load)
            sys_var = float(np.sum((load * vols) ** 2))
            sign = {"near": 0.5, "long": -0.5}.get(role or "", 0.0)
            if crypt:
                tot = vol / np.sqrt(365)
                sd = np.sqrt(max(tot**2 - sys_var * 5 / 7, (0.25 * tot) ** 2))
                r = mu / 365 + sd * idio_cr[:, cr.index(t)]
                r[weekday] += fac[bpos] @ load + sign * drift[bpos]
                index = cal
            else:
                tot = vol / np.sqrt(252)
                sd = np.sqrt(max(tot**2 - sys_var, (0.25 * tot) ** 2))
                r = mu / 252 + fac @ load + sd * idio_eq[:, eq.index(t)] + sign * drift
                index = days
            r = np.maximum(r, -0.9)
            first = 0
            if t == late and index[0] < late_start <= index[-1]:
                first = int(index.searchsorted(late_start))
            r[first] = 0.0
            px = np.round(p0 * np.cumprod(1.0 + r[first:]), 6)
            out[t] = pd.Series(px, index=index[first:], name=t)
    return out


def spread_returns(prices: dict[str, pd.Series], cfg: Config, days: pd.DatetimeIndex) -> pd.Series:
    """Equal-weight near minus long business-day return (members count from their first day)."""

    def basket(names: tuple) -> pd.Series:
        frame = pd.DataFrame({n: prices[n].reindex(days) for n in names if n in prices})
        return frame.pct_change(fill_method=None).mean(axis=1)

    return (basket(cfg.universe.near) - basket(cfg.universe.long)).rename("spread")

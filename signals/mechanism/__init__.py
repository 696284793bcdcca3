"""The mechanism study's statistics: local projections, state dependence, threshold, size.

The thesis is a chain (capex demand -> idle liquidity -> funding price -> the spread) with a
switch (idle money exhausted). Each link is estimated with:

- :func:`local_projection` (Jordà 2005): the response of an outcome's level at horizons
  0..H to a shock, Newey–West or lag-augmented (Montiel Olea & Plagborg-Møller 2021) errors;
- :func:`state_local_projection` (Ramey & Zubairy 2018): the same, split by a liquidity state
  known at t, with a Wald test of equal responses;
- :func:`threshold_regression` (Hansen 1996, 2000): the switch as a threshold at an unknown
  liquidity level, with a fixed-regressor bootstrap sup-Wald test and an LR interval;
- :func:`holm`: p-values adjusted across links;
- :func:`size_study`: the tests' rejection rates on simulated null worlds.

The study itself: :class:`MechanismSpec` (the links declared in ``[mechanism]``),
:func:`monthly_panel` (month-end values as known at month end) and :func:`run_mechanism`
(every link, its state split, the threshold tests and the labels).

Every function is pure and estimates a relation over a sample: nothing here trades.
"""

from signals.mechanism.lp import LPResult, local_projection
from signals.mechanism.multiplicity import holm
from signals.mechanism.panel import monthly_panel
from signals.mechanism.size import SizeResult, simulate_null, size_study
from signals.mechanism.spec import LinkSpec, MechanismSpec
from signals.mechanism.state import StateLPResult, below_expanding_median, state_local_projection
from signals.mechanism.study import MechanismResult, mechanism_frame, run_mechanism
from signals.mechanism.threshold import ThresholdResult, lr_critical_value, threshold_regression

__all__ = [
    "LPResult",
    "LinkSpec",
    "MechanismResult",
    "MechanismSpec",
    "SizeResult",
    "StateLPResult",
    "ThresholdResult",
    "below_expanding_median",
    "holm",
    "local_projection",
    "mechanism_frame",
    "monthly_panel",
    "run_mechanism",
    "lr_critical_value",
    "simulate_null",
    "size_study",
    "state_local_projection",
    "threshold_regression",
]

"""The rotation: spec, prices, baskets, rules, costs and the target weights they decide.

``spec`` (:class:`RotationSpec`), ``prices`` (:class:`Prices`: a price table checked once,
trusted by every step after), ``baskets`` (members and within-basket weights), ``rules``
(switch, tilt, long-short, calendar, drift band), ``costs`` (fees and slippage by asset
class) and ``targets`` (:func:`target_weights`: factor + prices + spec -> weights).
"""

from data.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "RotationSpec": "backtests.rotation.spec",
        "RotationInputs": "backtests.rotation.targets",
        "Prices": "backtests.rotation.prices",
        "as_prices": "backtests.rotation.prices",
        "check_prices": "backtests.rotation.prices",
        "decide": "backtests.rotation.targets",
        "rotation_inputs": "backtests.rotation.targets",
        "target_weights": "backtests.rotation.targets",
    },
)

"""The ``mechanism`` block of ``metrics.json``: the thesis's links, the state split, the switch.

The numbers come from :meth:`signals.mechanism.MechanismResult.to_metrics` (see
docs/INTERFACES.md for the contract: plain floats, None where undefined); this module leaves
the key out when the study did not run (``[mechanism] enabled = false``). The same block is
written by the main report and by the long history.
"""

from __future__ import annotations

from typing import Any


def mechanism_block(result: Any | None) -> dict[str, Any]:
    """Return ``{"mechanism": block}`` for a :class:`~signals.mechanism.MechanismResult`.

    Parameters
    ----------
    result : MechanismResult or None
        The study of the run (``PipelineResult.extras["mechanism"]`` or
        ``HistoryResult.mechanism``); None when it did not run.

    Returns
    -------
    dict
        Empty when ``result`` is None, so ``metrics.update(mechanism_block(r))`` adds the key
        only when there is something to say.
    """
    if result is None:
        return {}
    return {"mechanism": result.to_metrics()}

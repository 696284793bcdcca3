"""HTTP GET with timeouts, retries on throttling and server errors, and rate limiting."""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from data.errors import FetchError, NetworkError

if TYPE_CHECKING:  # imported by get_with_retries: a report that fetches nothing never loads it
    import requests

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class RateLimiter:
    """Space calls at least ``1 / max_per_s`` seconds apart (thread-safe).

    Parameters
    ----------
    max_per_s : float
        Largest number of calls per second.
    """

    def __init__(self, max_per_s: float):
        if max_per_s <= 0:
            raise ValueError(f"`max_per_s` must be > 0, got {max_per_s}")
        self.max_per_s = float(max_per_s)
        self._interval = 1.0 / self.max_per_s
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> float:
        """Block until the next call is allowed; return the seconds slept."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)


def unreachable_reason(exc: BaseException) -> str:
    """Say why a connection failed: DNS, refused, or the innermost message."""
    seen = exc
    text = str(exc)
    while seen is not None:
        if isinstance(seen, socket.gaierror) or "NameResolution" in type(seen).__name__:
            return "DNS lookup failed"
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        nxt = seen.__cause__ or seen.__context__
        if nxt is None and seen.args and isinstance(seen.args[0], BaseException):
            nxt = seen.args[0]
        seen = nxt
    if "Name or service not known" in text or "Temporary failure in name resolution" in text:
        return "DNS lookup failed"
    if "Connection refused" in text:
        return "connection refused"
    return f"connection failed ({text[:120]})"


def _retry_after(resp: requests.Response, default: float) -> float:
    value = resp.headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), 60.0)
    except ValueError:
        return default


def http_get(
    url: str,
    *,
    what: str,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout_s: float = 30.0,
    retries: int = 3,
    backoff_s: float = 1.0,
    limiter: RateLimiter | None = None,
    redact: tuple[str, ...] = (),
) -> requests.Response:
    """GET ``url``, retrying only throttling (429) and 5xx, with exponential backoff and jitter.

    DNS failures, refused connections and timeouts fail at once (:class:`NetworkError`,
    :class:`FetchError`): retrying them only makes an offline run slow.

    Parameters
    ----------
    url : str
        The address.
    what : str
        The series, ticker or CIK asked for: every error names it.
    params, headers : mapping, keyword-only
        Query parameters and request headers.
    timeout_s, retries, backoff_s : keyword-only
        Per-attempt timeout, number of retries after the first attempt, first wait (doubled
        each retry, times a random 1-1.5 jitter; a numeric ``Retry-After`` header on 429 is
        honoured, capped at 60 s).
    limiter : RateLimiter, keyword-only, optional
        Called before every attempt.
    redact : tuple of str, keyword-only
        Secrets (API keys) removed from error messages.

    Returns
    -------
    requests.Response
        A 2xx answer.

    Raises
    ------
    NetworkError
        DNS lookup failed or connection refused (not retried).
    FetchError
        404 (not found), another 4xx, a timeout, or 429/5xx still failing after the retries.
    """
    import requests

    if retries < 0:
        raise ValueError(f"`retries` must be >= 0, got {retries}")

    def clean(text: str) -> str:
        for secret in redact:
            if secret:
                text = text.replace(secret, "***")
        return text

    last = ""
    for attempt in range(retries + 1):
        if limiter is not None:
            limiter.wait()
        wait = backoff_s * 2**attempt * (1.0 + 0.5 * random.random())  # backoff with jitter
        try:
            resp = requests.get(url, params=params, headers=headers, timeout=timeout_s)
        except requests.Timeout as exc:
            raise FetchError(
                f"timed out after {timeout_s} s ({type(exc).__name__}) at {clean(url)}; "
                "not retried",
                source=what,
            ) from exc
        except requests.ConnectionError as exc:
            why = unreachable_reason(exc)
            raise NetworkError(
                f"{why} for {clean(url)}; the network or host is unreachable, not retried",
                source=what,
            ) from exc
        else:
            if resp.status_code == 404:
                raise FetchError(f"not found (HTTP 404) at {clean(resp.url)}", source=what)
            if 200 <= resp.status_code < 300:
                return resp
            last = f"HTTP {resp.status_code} from {clean(resp.url)}"
            if resp.status_code not in RETRY_STATUS:
                raise FetchError(f"{last}: {clean(resp.text[:200])}", source=what)
            if resp.status_code == 429:
                wait = _retry_after(resp, wait)
        if attempt < retries:
            log.warning(
                "%s: %s; retry %d/%d in %.1f s", what, clean(last), attempt + 1, retries, wait
            )
            time.sleep(wait)
    raise FetchError(f"{clean(last)} (gave up after {retries + 1} attempts)", source=what)

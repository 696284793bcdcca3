"""The four samples: in-sample, held-out, post-registration, full."""

from __future__ import annotations

import pandas as pd
import pytest

from backtests.inference.samples import SAMPLE_NAMES, split_samples


def test_samples_partition_the_index_by_hand():
    idx = pd.bdate_range("2024-01-01", "2024-01-31")  # 23 business days
    s = split_samples(idx, "2024-01-15", "2024-01-24")
    assert list(s) == list(SAMPLE_NAMES)
    assert s["in_sample"].end == pd.Timestamp("2024-01-12")
    assert s["held_out"].start == pd.Timestamp("2024-01-15")
    assert s["held_out"].end == pd.Timestamp("2024-01-24")  # registration day is held-out
    assert s["post_registration"].start == pd.Timestamp("2024-01-25")
    n = [s[k].n_days for k in ("in_sample", "held_out", "post_registration")]
    assert sum(n) == s["full"].n_days == len(idx)


def test_empty_post_registration_sample():
    idx = pd.bdate_range("2024-01-01", "2024-01-31")
    s = split_samples(idx, "2024-01-15", "2024-01-31")
    post = s["post_registration"]
    assert post.empty and post.start is None
    x = pd.Series(range(len(idx)), index=idx)
    assert len(post.take(x)) == 0
    assert "empty" in post.summary()


def test_registration_before_oos_start_is_refused():
    idx = pd.bdate_range("2024-01-01", "2024-01-31")
    with pytest.raises(ValueError, match="run.registered"):
        split_samples(idx, "2024-01-15", "2024-01-10")

"""Fixtures of the data-layer tests (payload builders live in data_payloads.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from data_payloads import june_company, write_tiny_mirror


@pytest.fixture
def june_payload() -> dict:
    return june_company()


@pytest.fixture
def tiny_mirror(tmp_path, cfg) -> Path:
    return write_tiny_mirror(tmp_path / "mirror", cfg)

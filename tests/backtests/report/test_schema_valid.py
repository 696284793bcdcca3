"""schema.json is a valid JSON Schema (validate_metrics trusts it) and still rejects bad metrics."""

from __future__ import annotations

import json

import jsonschema
import pytest
from jsonschema.validators import validator_for

from backtests.report.metrics import SCHEMA_PATH, validate_metrics


def test_schema_file_is_a_valid_schema_of_its_declared_draft():
    schema = json.loads(SCHEMA_PATH.read_text())
    cls = validator_for(schema)
    assert cls is jsonschema.Draft202012Validator
    cls.check_schema(schema)


def test_validate_metrics_raises_what_jsonschema_validate_raises():
    schema = json.loads(SCHEMA_PATH.read_text())
    bad: dict = {"not a metrics key": 1}
    with pytest.raises(jsonschema.ValidationError) as ours:
        validate_metrics(bad)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validate(bad, schema)
    assert ours.value.message == theirs.value.message
    assert list(ours.value.absolute_path) == list(theirs.value.absolute_path)

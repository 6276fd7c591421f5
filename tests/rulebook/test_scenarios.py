"""Runs the YAML scenarios in ``scenarios/`` through the CLI's evaluate contract."""

from pathlib import Path

import pytest
import yaml

from parindex.rulebook.cli import evaluate_json

HERE = Path(__file__).parent / "scenarios"


def _cases():
    for path in sorted(HERE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        criteria = {kind: str(HERE / rel) for kind, rel in doc["criteria"].items()}
        for scenario in doc["scenarios"]:
            yield pytest.param(criteria, scenario, id=scenario["name"])


@pytest.mark.parametrize(("criteria", "scenario"), list(_cases()))
def test_scenario(criteria, scenario):
    result = evaluate_json({"criteria": criteria, "units": scenario["units"]},
                           allow_incomplete=scenario.get("allow_incomplete", False))
    by_id = {u["id"]: u for u in result["units"]}
    for unit_id, expected in scenario["expect"].items():
        got = {key: by_id[unit_id][key] for key in expected}
        assert got == expected, f"{scenario['name']} — {unit_id}"


def test_there_are_scenarios():
    assert len(list(_cases())) >= 10

"""Azure ML model monitoring offline: the MonitorSchedule spec, the reference table, its cost, and
`coursekit azure monitor` failing fast and clearly without a workspace."""
from __future__ import annotations

import json
import time

import pytest
import yaml

from coursekit.azure import monitor_specs, pricing
from coursekit.azure.plan import build_plan
from coursekit.cli import main


@pytest.fixture
def no_azure_env(monkeypatch, tmp_path):
    for var in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME", "AZURE_CLIENT_ID",
                "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _profile(rows: int = 5) -> dict:
    return {"format": "coursekit-monitor-reference", "rows": rows,
            "data": {"chars": list(range(10, 10 + rows)), "words": [2] * rows, "pieces": [3] * rows, "unk": [0] * rows,
                     "p_positive": [0.1 * i for i in range(rows)], "label": ["NEGATIVE"] * rows}}


def test_schedule_watches_prediction_and_data_drift_of_the_slot():
    options = monitor_specs.MonitorOptions(endpoint="ep", slot="green", emails=["ta@example.com"])
    loaded = monitor_specs.validate_schedule(monitor_specs.monitor_schedule(options))
    signals = loaded.create_monitor.monitoring_signals
    assert set(signals) == {"prediction-drift", "data-drift"}
    assert signals["prediction-drift"].production_data.input_data.path.endswith("ep-green-model_outputs:1")
    assert signals["data-drift"].production_data.input_data.path.endswith("ep-green-model_inputs:1")
    assert list(signals["data-drift"].features) == list(monitor_specs.FEATURES)
    assert loaded.create_monitor.monitoring_target.endpoint_deployment_id.endswith("ep:green")
    assert loaded.create_monitor.alert_notification.emails == ["ta@example.com"]


def test_reference_rows_become_an_mltable(tmp_path):
    folder = monitor_specs.reference_table(_profile(), tmp_path)
    rows = [json.loads(line) for line in (folder / "reference.jsonl").read_text().splitlines()]
    assert len(rows) == 5 and set(rows[0]) == {"chars", "words", "pieces", "unk", "label", "p_positive"}
    assert yaml.safe_load((folder / "MLTable").read_text())["paths"] == [{"file": "./reference.jsonl"}]
    assert monitor_specs.reference_data_asset(folder).type == "mltable"


def test_the_plan_prices_and_validates_the_monitor():
    plan = build_plan()
    assert "monitor: schedule" in plan.specs
    line = next(c for c in plan.costs if c.item.startswith("monitor schedule"))
    spark = pricing.vm_price("Standard_E4s_v3").usd_per_hour
    assert line.usd_per_hour == pytest.approx(spark * 0.5 / 24, abs=1e-4)
    assert "monitor schedule" in pricing.format_cost_table(plan.costs)


def test_azure_monitor_needs_a_reference_then_a_workspace(no_azure_env, capsys, monkeypatch):
    def no_waiting(seconds):
        raise AssertionError(f"slept {seconds} s before failing")

    monkeypatch.setattr(time, "sleep", no_waiting)
    assert main(["azure", "monitor", str(no_azure_env)]) == 2
    err = capsys.readouterr().err.strip()
    assert "MODEL_DIR" in err and "monitoring-reference.json" in err and "\n" not in err
    (no_azure_env / "monitoring-reference.json").write_text(json.dumps(_profile()))
    assert main(["azure", "monitor", str(no_azure_env)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("coursekit azure: error: no Azure ML workspace configured") and "\n" not in err

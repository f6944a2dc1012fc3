"""The reviewed YAML in azureml/ and the SDK builders: valid, equal, and strict about mistakes."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coursekit.paths import project_root
from marshmallow import ValidationError

import azure.ai.ml as aml
from azure.ai.ml.entities._load_functions import load_schedule
from coursekit.azure import pricing, specs
from coursekit.errors import AzureSetupError

SPEC_DIR = Path(__file__).resolve().parents[1] / "azureml"
LOADERS = {
    "environment-train.yml": aml.load_environment,
    "environment-endpoint.yml": aml.load_environment,
    "data-reviews.yml": aml.load_data,
    "model.yml": aml.load_model,
    "endpoint.yml": aml.load_online_endpoint,
    "deployment-blue.yml": aml.load_online_deployment,
    "deployment-green.yml": aml.load_online_deployment,
    "compute-gpu.yml": aml.load_compute,
    "train-job.yml": aml.load_job,
    "train-job-multinode.yml": aml.load_job,
    "monitor-schedule.yml": load_schedule,
}


def test_every_yaml_file_is_covered():
    assert sorted(p.name for p in SPEC_DIR.glob("*.yml")) == sorted(LOADERS)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_yaml_loads_with_the_sdk(name):
    entity = LOADERS[name](str(SPEC_DIR / name))
    assert entity is not None


# One realistic mistake per file; the SDK's schema must refuse each.
MISTAKES = {
    "environment-train.yml": {"images": "typo"},
    "environment-endpoint.yml": {"conda_files": "typo"},
    "data-reviews.yml": {"type": "csv_file"},
    "model.yml": {"type": "onnx_model"},
    "endpoint.yml": {"auth_mode": "password"},
    "deployment-blue.yml": {"instance_count": "two"},
    "deployment-green.yml": {"request_settings": {"request_timeout": 5000}},
    "compute-gpu.yml": {"tier": "cheap"},
    "train-job.yml": {"distribution": {"type": "pytorch", "process_count": 1}},
    "train-job-multinode.yml": {"resources": {"instance_count": "two"}},
    "monitor-schedule.yml": {"trigger": "daily"},
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_wrong_field_is_rejected(name, tmp_path):
    spec = yaml.safe_load((SPEC_DIR / name).read_text())
    spec.update(MISTAKES[name])
    bad = SPEC_DIR / f".test-bad-{tmp_path.name}-{name}"  # next to the original: relative paths still resolve
    bad.write_text(yaml.safe_dump(spec))
    try:
        with pytest.raises((ValidationError, NotImplementedError)) as info:
            LOADERS[name](str(bad))
        # load_schedule raises the schema's ValidationError, then a NotImplementedError while reporting it
        error = info.value if isinstance(info.value, ValidationError) else info.value.__context__
        field = next(iter(MISTAKES[name]))
        assert isinstance(error, ValidationError) and field in str(error)
    finally:
        bad.unlink()


def _load(name):
    return LOADERS[name](str(SPEC_DIR / name))


def test_committed_yaml_is_what_the_builders_make():
    """azureml/ is generated from coursekit/azure/specs.py: regenerate with `coursekit azure specs --write`."""
    from coursekit.azure.yaml_specs import names, stale_files

    assert sorted(names()) == sorted(LOADERS)
    assert stale_files() == [], "run `coursekit azure specs --write` and commit azureml/"


def test_a_changed_builder_makes_the_yaml_stale(tmp_path, monkeypatch):
    from coursekit.azure import yaml_specs

    yaml_specs.write_all(tmp_path)
    assert yaml_specs.stale_files(tmp_path) == []
    original = specs.online_deployment

    def three_instances(options=None):
        deployment = original(options)
        deployment.instance_count = 3
        return deployment

    monkeypatch.setattr(specs, "online_deployment", three_instances)
    assert yaml_specs.stale_files(tmp_path) == ["deployment-blue.yml", "deployment-green.yml"]


def test_the_generated_specs_say_what_the_course_needs():
    deployment = _load("deployment-blue.yml")
    assert deployment.liveness_probe.failure_threshold == 30 and deployment.readiness_probe.period == 10
    assert set(deployment.data_collector.collections) == {"model_inputs", "model_outputs", "request", "response"}
    assert deployment.code_configuration.scoring_script == "score.py"
    blue, green = specs.spec_dict(_load("deployment-blue.yml")), specs.spec_dict(_load("deployment-green.yml"))
    assert green.pop("name") == "green" and blue.pop("name") == "blue" and blue == green
    assert _load("endpoint.yml").auth_mode == "key"
    for name, nodes in (("train-job.yml", 1), ("train-job-multinode.yml", 2)):
        job = _load(name)
        assert "coursekit train --data ${{inputs.reviews}} --output ${{outputs.model_dir}}" in job.command
        assert "--resume" in job.command and job.resources.instance_count == nodes
        assert job.distribution.type == "pytorch" and (SPEC_DIR / job.code).resolve() == project_root()
    endpoint_env = _load("environment-endpoint.yml")
    assert "torch" not in str(endpoint_env.conda_file.get("dependencies"))
    cluster = _load("compute-gpu.yml")
    assert (cluster.min_instances, cluster.tier) == (0, "low_priority")
    assert _load("model.yml").type == "custom_model" and _load("data-reviews.yml").type == "uri_file"


@pytest.mark.parametrize("build", [
    lambda: specs.training_environment(), lambda: specs.endpoint_environment(), lambda: specs.online_endpoint("x-1"),
    lambda: specs.online_deployment(specs.DeploymentOptions(slot="green", instance_count=3)),
    lambda: specs.gpu_cluster(specs.TrainingOptions(low_priority=False)),
    lambda: specs.training_job(specs.TrainingOptions(nodes=4, processes_per_node=2, extra_args=["--max-steps", "50"])),
])
def test_built_specs_validate(build):
    entity = build()
    assert type(specs.validate(entity)).__name__ in {"Environment", "ManagedOnlineEndpoint", "ManagedOnlineDeployment",
                                                     "AmlCompute", "Command"}


def test_multinode_job_spec():
    job = specs.training_job(specs.TrainingOptions(nodes=4, processes_per_node=2, extra_args=["--max-steps", "50"]))
    assert job.resources.instance_count == 4 and job.distribution.process_count_per_instance == 2
    assert job.command.endswith("--resume --max-steps 50")
    with pytest.raises(AzureSetupError, match="at least 1"):
        specs.training_job(specs.TrainingOptions(nodes=0))


def test_model_and_data_need_real_paths(tmp_path):
    with pytest.raises(AzureSetupError, match="not an exported model"):
        specs.onnx_model(tmp_path)
    with pytest.raises(AzureSetupError, match="no such data file"):
        specs.reviews_data_asset(tmp_path / "reviews.csv")


@pytest.mark.parametrize("slot, percent, existing, expected", [
    ("blue", 100, None, {"blue": 100}),
    ("green", 10, {"blue": 100}, {"blue": 90, "green": 10}),
    ("green", 100, {"blue": 90, "green": 10}, {"blue": 0, "green": 100}),
    ("blue", 0, {"blue": 50, "green": 50}, {"green": 100, "blue": 0}),
    ("green", 33, {"blue": 50, "red": 50}, {"blue": 34, "red": 33, "green": 33}),
])
def test_traffic_split(slot, percent, existing, expected):
    split = specs.traffic_split(slot, percent, existing)
    assert split == expected and sum(split.values()) == 100


@pytest.mark.parametrize("args, message", [
    (("green", 120, {"blue": 100}), "0-100"),
    (("blue", 50, None), "only deployment"),
])
def test_traffic_split_errors(args, message):
    with pytest.raises(AzureSetupError, match=message):
        specs.traffic_split(*args)


def test_price_table_has_a_date_and_every_default_size():
    table = pricing.PRICE_TABLE
    assert table["as_of"] and table["currency"] == "USD"
    for size in (specs.DeploymentOptions().instance_type, specs.TrainingOptions().gpu_size):
        assert pricing.vm_price(size).usd_per_hour > 0
    assert pricing.vm_price("Standard_NC4as_T4_v3").gpus == 1


def test_cost_estimate_and_table():
    lines = pricing.estimate([("endpoint deployment 'blue'", "Standard_DS3_v2", 2),
                              ("training job", "Standard_NC4as_T4_v3", 2)])
    per_hour = 2 * pricing.vm_price("Standard_DS3_v2").usd_per_hour + 2 * pricing.vm_price("Standard_NC4as_T4_v3").usd_per_hour
    assert sum(l.total_per_hour for l in lines) == pytest.approx(per_hour)
    text = pricing.format_cost_table(lines)
    assert f"{per_hour:.3f}" in text and f"as of {pricing.PRICE_TABLE['as_of']}" in text
    assert "coursekit azure delete" in text
    with pytest.raises(AzureSetupError, match="no list price for instance type 'Standard_Z9'"):
        pricing.vm_price("Standard_Z9")


def test_custom_price_file(tmp_path):
    custom = tmp_path / "prices.json"
    custom.write_text('{"as_of": "2030-01-01", "currency": "EUR", "prices": {"Standard_DS3_v2": [1.0, 4, 14, 0, ""]}}')
    table = pricing.load_price_table(custom)
    assert pricing.vm_price("Standard_DS3_v2", table).usd_per_hour == 1.0
    (tmp_path / "broken.json").write_text('{"prices": {}}')
    with pytest.raises(AzureSetupError, match="lacks as_of, currency"):
        pricing.load_price_table(tmp_path / "broken.json")

"""The server's processes, threads and limits: one set of numbers for `coursekit serve`, the
benchmark and the Azure ML deployment YAML."""
from __future__ import annotations

import importlib.metadata
import shlex
from pathlib import Path

import pytest
import yaml

from coursekit.azure import specs
from coursekit.serving import ENDPOINT_CONDA_FILE
from coursekit.serving.local_server import server_environment
from coursekit.serving.settings import DEFAULT_SETTINGS, ServerSettings

SPEC_DIR = Path(__file__).resolve().parents[1] / "azureml"


@pytest.mark.parametrize("slot", ["blue", "green"])
def test_deployment_yaml_runs_the_default_settings(slot):
    spec = yaml.safe_load((SPEC_DIR / f"deployment-{slot}.yml").read_text())
    env = spec["environment_variables"]
    assert ServerSettings.from_environment(env) == DEFAULT_SETTINGS
    assert env == DEFAULT_SETTINGS.environment()
    threads = shlex.split(env["GUNICORN_CMD_ARGS"])
    concurrency = int(env["WORKER_COUNT"]) * int(threads[threads.index("--threads") + 1])
    assert spec["request_settings"]["max_concurrent_requests_per_instance"] == concurrency


def test_local_server_gets_the_same_environment():
    env = server_environment(DEFAULT_SETTINGS, "/models/x/1")
    assert {k: env[k] for k in DEFAULT_SETTINGS.environment()} == DEFAULT_SETTINGS.environment()
    assert env["AZUREML_MODEL_DIR"] == "/models/x/1"


def test_gunicorn_reads_the_arguments_as_meant():
    from gunicorn.config import Config

    cfg = Config()
    parsed = cfg.parser().parse_args(shlex.split(DEFAULT_SETTINGS.gunicorn_args()))
    for name, value in vars(parsed).items():
        if value is not None and name != "args":
            cfg.set(name, value)
    assert cfg.worker_class_str == "gthread"
    assert cfg.threads == DEFAULT_SETTINGS.http_threads
    assert cfg.graceful_timeout == DEFAULT_SETTINGS.graceful_timeout_s
    assert cfg.control_socket_disable is True


@pytest.mark.locked  # the installed version is the pinned one only in the locked environment
def test_endpoint_environment_pins_the_gunicorn_whose_options_it_uses():
    env = yaml.safe_load(ENDPOINT_CONDA_FILE.read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert f"gunicorn=={importlib.metadata.version('gunicorn')}" in pip


def test_settings_round_trip_and_refuse_nonsense():
    custom = DEFAULT_SETTINGS.with_changes(workers=3, http_threads=2, ort_threads=None, max_texts=8)
    assert ServerSettings.from_environment(custom.environment()) == custom
    assert custom.max_concurrent_requests == 6 and custom.ort_threads == DEFAULT_SETTINGS.ort_threads
    with pytest.raises(ValueError, match="workers must be at least 1"):
        ServerSettings(workers=0)


def test_azure_request_settings_follow_the_server_deadlines():
    spec = yaml.safe_load((SPEC_DIR / "deployment-blue.yml").read_text())
    s = DEFAULT_SETTINGS
    timeout = spec["request_settings"]["request_timeout_ms"]
    assert timeout == s.request_timeout_ms > (s.header_timeout_s + s.body_timeout_s) * 1000  # our 408 comes first
    assert s.max_pending_per_client <= s.max_pending < s.worker_connections
    from gunicorn.config import Config

    cfg = Config()
    parsed = cfg.parser().parse_args(shlex.split(s.gunicorn_args()))
    cfg.set("worker_connections", parsed.worker_connections)
    assert cfg.worker_connections == s.worker_connections
    collections = spec["data_collector"]["collections"]
    assert {"model_inputs", "model_outputs"} <= set(collections)  # what score.py's Azure collector writes

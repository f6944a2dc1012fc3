"""Azure ML resources of the course, built with the ``azure-ai-ml`` SDK.

Each builder returns an SDK entity; the YAML in the repository's ``azureml/`` folder is
generated from these builders (:mod:`.yaml_specs`, ``coursekit azure specs --write``), so a
student can use either the Python API, ``coursekit azure ...`` or ``az ml ... -f``.
Nothing here talks to Azure: building and validating specs works offline.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import AzureSetupError
from ..serving import ENDPOINT_CONDA_FILE, SCORE_SCRIPT
from ..serving.settings import DEFAULT_SETTINGS, ServerSettings


# Base images pinned by tag, never `:latest` (it moves under a running course). Newer tags: the release
# notes of github.com/Azure/AzureML-Containers (training) and of the curated environment
# minimal-py311-inference (github.com/Azure/azureml-assets), or MCR's tags list
# (https://mcr.microsoft.com/v2/azureml/<image>/tags/list). The training image's own CUDA does not
# matter to torch, whose PyPI wheels bring theirs (lock/cuda.txt: CUDA 13, NVIDIA driver 580 or newer).
TRAIN_IMAGE = "mcr.microsoft.com/azureml/openmpi5.0-cuda12.4-ubuntu22.04:20260901.v1"
ENDPOINT_IMAGE = "mcr.microsoft.com/azureml/curated/minimal-py311-inference:59"
TAGS = {"course": "coursekit"}

# The SDK announces on stderr that DataCollector is "experimental" each session; the
# notice adds nothing for students (data collection is a documented deployment field).
logging.getLogger("azure.ai.ml._utils._experimental").setLevel(logging.ERROR)


@dataclass
class TrainingOptions:
    """What the GPU training job runs on and with."""

    data: str = "azureml:coursekit-reviews@latest"  # a data asset, a datastore URI or a local file
    compute: str = "gpu-cluster"
    gpu_size: str = "Standard_NC4as_T4_v3"
    nodes: int = 1
    processes_per_node: int = 1  # one per GPU of the VM size
    max_nodes: int = 2
    low_priority: bool = True
    profile: str = "full"
    environment: str = "azureml:coursekit-train@latest"
    experiment: str = "coursekit-sentiment"
    extra_args: list[str] = field(default_factory=list)  # more `coursekit train` options


@dataclass
class DeploymentOptions:
    """What the online endpoint serves and on which VMs.

    ``server`` holds the processes, threads and request limits measured by
    ``benchmarks/serve_load.py`` on 2 cores (hence a 2-vCPU VM size); they reach the
    endpoint as environment variables, and its concurrency limit is workers x threads.
    """

    endpoint: str = "coursekit-sentiment"
    slot: str = "blue"
    instance_type: str = "Standard_F2s_v2"
    instance_count: int = 1
    model: str = "azureml:coursekit-sentiment-onnx:1"
    environment: str = "azureml:coursekit-endpoint:1"
    server: ServerSettings = DEFAULT_SETTINGS
    request_timeout_ms: int | None = None  # default: the server's deadlines + scoring budget (settings.py)
    collect_data: bool = True

    @property
    def max_concurrent_requests(self) -> int:
        return self.server.max_concurrent_requests


def _check_code_folder() -> Path:
    """The course checkout the training job uploads as its code."""
    from ..paths import project_root

    root = project_root()
    if root is None:
        raise AzureSetupError("the training job uploads the course repository, but this coursekit is installed "
                              "without one (no pyproject.toml beside the package): run from a git clone of the course")
    return root


def training_environment(conda_file: str | os.PathLike | None = None):
    """GPU training environment: CUDA base image + the course's ``environment.yml``."""
    from azure.ai.ml.entities import Environment

    conda_file = Path(conda_file or _check_code_folder() / "environment.yml")
    if not conda_file.is_file():
        raise AzureSetupError(f"{conda_file}: the conda file of the training environment is missing")
    return Environment(name="coursekit-train", image=TRAIN_IMAGE, conda_file=str(conda_file), tags=dict(TAGS),
                       description="coursekit fine-tuning on GPU (torch, transformers, datasets) built from environment.yml")


def endpoint_environment():
    """Scoring environment: minimal CPU inference image + ONNX Runtime, no torch."""
    from azure.ai.ml.entities import Environment

    return Environment(name="coursekit-endpoint", image=ENDPOINT_IMAGE, conda_file=str(ENDPOINT_CONDA_FILE),
                       tags=dict(TAGS), description="ONNX Runtime scoring for coursekit/serving/score.py (no torch)")


def reviews_data_asset(path: str | os.PathLike, name: str = "coursekit-reviews"):
    """A ``uri_file`` data asset of the labelled reviews CSV (uploaded on create)."""
    from azure.ai.ml.constants import AssetTypes
    from azure.ai.ml.entities import Data

    path = Path(path)
    if not path.is_file():
        raise AzureSetupError(f"{path}: no such data file to upload")
    return Data(name=name, path=str(path), type=AssetTypes.URI_FILE, tags=dict(TAGS),
                description="Labelled customer reviews (CSV with text and label columns) for fine-tuning")


def onnx_model(export_dir: str | os.PathLike, name: str = "coursekit-sentiment-onnx", must_exist: bool = True):
    """The exported folder (``coursekit export``) as a custom model to register."""
    from azure.ai.ml.constants import AssetTypes
    from azure.ai.ml.entities import Model

    from ..model_folder import card_summary, is_export_dir

    export_dir = Path(export_dir)
    if must_exist and not is_export_dir(export_dir):
        raise AzureSetupError(f"{export_dir}: not an exported model (export.json + model.onnx); "
                              "run `coursekit export MODEL_DIR --output DIR` first")
    return Model(name=name, path=str(export_dir), type=AssetTypes.CUSTOM_MODEL, tags={**TAGS, "format": "onnx"},
                 description=(card_summary(export_dir) if must_exist else None)  # the model card (README.md)
                 or "Fine-tuned sentiment classifier exported to ONNX Runtime (fp32 + int8)")


def online_endpoint(name: str = "coursekit-sentiment"):
    """A managed online endpoint with key authentication."""
    from azure.ai.ml.entities import ManagedOnlineEndpoint

    return ManagedOnlineEndpoint(name=name, auth_mode="key", tags=dict(TAGS),
                                 description="Sentiment analysis of customer reviews (coursekit)")


def online_deployment(options: DeploymentOptions | None = None):
    """One slot (blue or green) of the endpoint: VMs, probes, limits, data collection."""
    from azure.ai.ml.entities import CodeConfiguration, ManagedOnlineDeployment, OnlineRequestSettings, ProbeSettings

    from .monitor_specs import data_collector

    o = options or DeploymentOptions()
    # what score.py collects for model monitoring (azure/monitor_specs.py)
    collector = data_collector(o.server.collect_text) if o.collect_data else None
    return ManagedOnlineDeployment(
        name=o.slot,
        endpoint_name=o.endpoint,
        model=o.model,
        code_configuration=CodeConfiguration(code=str(SCORE_SCRIPT.parent), scoring_script=SCORE_SCRIPT.name),
        environment=o.environment,
        instance_type=o.instance_type,
        instance_count=o.instance_count,
        app_insights_enabled=True,
        environment_variables=o.server.environment(),
        request_settings=OnlineRequestSettings(request_timeout_ms=o.request_timeout_ms or o.server.request_timeout_ms,
                                               max_concurrent_requests_per_instance=o.max_concurrent_requests),
        liveness_probe=ProbeSettings(initial_delay=10, period=10, timeout=2, success_threshold=1, failure_threshold=30),
        readiness_probe=ProbeSettings(initial_delay=10, period=10, timeout=2, success_threshold=1, failure_threshold=3),
        data_collector=collector,
        tags=dict(TAGS),
    )


def traffic_split(slot: str, percent: int, existing: dict[str, int] | None = None) -> dict[str, int]:
    """Blue/green traffic: ``percent`` to ``slot``, the rest shared by the other slots.

    ``traffic_split("green", 10, {"blue": 100})`` → ``{"blue": 90, "green": 10}``.
    """
    if not 0 <= percent <= 100:
        raise AzureSetupError(f"traffic for {slot!r} must be 0-100 percent, got {percent}")
    others = {k: v for k, v in (existing or {}).items() if k != slot}
    if not others:
        if percent != 100:
            raise AzureSetupError(f"{slot!r} is the only deployment: it must take 100% of the traffic, not {percent}%")
        return {slot: 100}
    rest, total = 100 - percent, sum(others.values())
    split = {k: (rest * v // total if total else rest // len(others)) for k, v in others.items()}
    first = next(iter(split))
    split[first] += rest - sum(split.values())  # rounding leftovers go to the first other slot
    return {**split, slot: percent}


def gpu_cluster(options: TrainingOptions | None = None):
    """An autoscaling GPU cluster (0 nodes when idle)."""
    from azure.ai.ml.entities import AmlCompute

    o = options or TrainingOptions()
    return AmlCompute(name=o.compute, size=o.gpu_size, min_instances=0, max_instances=max(o.max_nodes, o.nodes),
                      idle_time_before_scale_down=900, tier="low_priority" if o.low_priority else "dedicated")


def train_command(options: TrainingOptions | None = None) -> str:
    """The shell command the job runs on each node."""
    o = options or TrainingOptions()
    args = " ".join(o.extra_args)
    return ("pip install --no-deps --quiet . && "
            "coursekit train --data ${{inputs.reviews}} --output ${{outputs.model_dir}} "
            f"--profile {o.profile} --resume" + (f" {args}" if args else ""))


def training_job(options: TrainingOptions | None = None):
    """A command job running ``coursekit train`` with the PyTorch distribution."""
    from azure.ai.ml import Input, Output, command
    from azure.ai.ml.constants import AssetTypes

    o = options or TrainingOptions()
    if o.nodes < 1 or o.processes_per_node < 1:
        raise AzureSetupError("nodes and processes per node must be at least 1")
    nodes = "1 node" if o.nodes == 1 else f"{o.nodes} nodes"
    return command(
        code=str(_check_code_folder()),
        command=train_command(o),
        inputs={"reviews": Input(type=AssetTypes.URI_FILE, path=o.data)},
        outputs={"model_dir": Output(type=AssetTypes.URI_FOLDER)},
        environment=o.environment,
        compute=o.compute,
        distribution={"type": "pytorch", "process_count_per_instance": o.processes_per_node},
        instance_count=o.nodes,
        display_name=f"coursekit fine-tune ({nodes})",
        experiment_name=o.experiment,
        description=f"coursekit train on the {o.profile} tier, PyTorch distribution",
        tags=dict(TAGS),
    )


# --- validation: dump a built entity and load it back with the SDK's schema -------------
_LOADERS = {
    "Environment": "load_environment", "Data": "load_data", "Model": "load_model",
    "ManagedOnlineEndpoint": "load_online_endpoint", "ManagedOnlineDeployment": "load_online_deployment",
    "AmlCompute": "load_compute", "Command": "load_job", "CommandJob": "load_job",
}


def spec_dict(entity) -> dict:
    """The entity as plain YAML-able data (what ``az ml ... -f`` would read)."""
    target = entity._to_job() if hasattr(entity, "_to_job") else entity
    return json.loads(json.dumps(target._to_dict(), default=str))


def validate(entity):
    """Round-trip ``entity`` through YAML and the SDK's ``load_*`` (schema validation).

    Returns the loaded entity; raises the SDK's ValidationError on a schema violation.
    """
    import azure.ai.ml as aml

    loader = getattr(aml, _LOADERS[type(entity).__name__])
    with tempfile.TemporaryDirectory(prefix="coursekit-spec-") as tmp:
        path = Path(tmp) / "spec.yml"
        path.write_text(yaml.safe_dump(spec_dict(entity), sort_keys=False), encoding="utf-8")
        return loader(str(path))

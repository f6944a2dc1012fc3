"""The reviewed YAML in ``azureml/`` is generated from the SDK builders in :mod:`.specs`.

One source: the builders. ``coursekit azure specs --write`` (re)writes every file;
``tests/test_azure_specs.py`` fails when a committed file is not what the builders make,
and loads each one with the SDK's ``load_*`` (schema validation), so ``az ml ... -f``
users and the Python API always deploy the same thing.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

SCHEMA = "https://azuremlschemas.azureedge.net/latest/{}.schema.json"
PATH_KEYS = ("code", "conda_file", "path")
DROP = ({}, None, [], "")


def _specs():
    """file name -> (builder, schema name, header comment)."""
    from . import monitor_specs, specs

    sample = Path(__file__).resolve().parents[1] / "data" / "womens_clothing_reviews.csv.gz"
    return {
        "environment-train.yml": (specs.training_environment, "environment",
                                  "Training environment: a CUDA base image pinned by tag + the course's own conda "
                                  "file (environment.yml, every package pinned from lock/cuda.txt)."),
        "environment-endpoint.yml": (specs.endpoint_environment, "environment",
                                     "Scoring environment: the minimal Python 3.11 inference image pinned by tag + "
                                     "ONNX Runtime, tokenizers and the inference server only (no torch; pinned from "
                                     "lock/endpoint.txt), so the image is small and starts fast."),
        "data-reviews.yml": (lambda: specs.reviews_data_asset(sample), "data",
                             "Training data as a versioned data asset: the course's shop review export (CC0; read with "
                             "its own columns and star map). Replace the path with your own CSV (columns text,label) "
                             "or pass --data to `coursekit azure train`."),
        "model.yml": (lambda: specs.onnx_model(_project() / "results" / "onnx-model", must_exist=False), "model",
                      "The exported ONNX folder (coursekit export MODEL_DIR --output results/onnx-model): "
                      "model.onnx, model.int8.onnx, tokenizer.json and export.json."),
        "endpoint.yml": (specs.online_endpoint, "managedOnlineEndpoint",
                         "Endpoint names are unique per Azure region: change it, or pass --endpoint NAME."),
        "deployment-blue.yml": (lambda: specs.online_deployment(specs.DeploymentOptions(slot="blue")),
                                "managedOnlineDeployment",
                                "The \"blue\" slot of the blue/green pair: `coursekit azure deploy --slot blue`."),
        "deployment-green.yml": (lambda: specs.online_deployment(specs.DeploymentOptions(slot="green")),
                                 "managedOnlineDeployment",
                                 "The \"green\" slot: deploy a new model here next to a live blue one, shift traffic "
                                 "with `coursekit azure deploy --slot green --traffic 10`."),
        "monitor-schedule.yml": (monitor_specs.monitor_schedule, "schedule",
                                 "A daily model monitor of the blue slot: prediction drift (scores in model_outputs) and "
                                 "data drift (text features in model_inputs) against the reference profile's "
                                 "validation rows. `coursekit azure monitor` registers the reference and creates it."),
        "compute-gpu.yml": (specs.gpu_cluster, "amlCompute",
                            "A GPU cluster that scales to zero when idle. Low priority is much cheaper but can be "
                            "preempted: the training job runs `coursekit train --resume` and picks up from the last "
                            "checkpoint."),
        "train-job.yml": (lambda: specs.training_job(specs.TrainingOptions(nodes=1)), "commandJob",
                          "Fine-tune on one GPU node. `--resume` continues from the last checkpoint when a "
                          "low-priority node was preempted and the job restarts."),
        "train-job-multinode.yml": (lambda: specs.training_job(specs.TrainingOptions(nodes=2)), "commandJob",
                                    "Fine-tune on two GPU nodes: data parallel, one process per GPU (PyTorch "
                                    "distribution sets MASTER_ADDR, RANK and WORLD_SIZE; the Trainer reads them). "
                                    "`--resume` continues from the last checkpoint after a preemption."),
    }


CONDA_FILES = {
    "environment-train.yml": lambda: _project() / "environment.yml",
    "environment-endpoint.yml": lambda: __import__("coursekit.serving", fromlist=["ENDPOINT_CONDA_FILE"]).ENDPOINT_CONDA_FILE,
}


def _project() -> Path:
    from ..paths import require_project_root

    return require_project_root("writing the Azure ML YAML")


def _clean(value, folder: Path, key: str = ""):
    """Drop empty fields; make paths relative to the YAML folder (as `az ml` resolves them)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _clean(v, folder, k)
            if v not in DROP and k != "properties" and k != "parameters":
                out[k] = v
        return out
    if isinstance(value, list):
        return [_clean(v, folder) for v in value]
    if key in PATH_KEYS and isinstance(value, str) and os.path.isabs(value):
        return os.path.relpath(value, folder)
    return value


def render(name: str, folder: Path | None = None) -> str:
    """The YAML text of ``azureml/<name>`` as the builders make it."""
    import textwrap

    from .specs import spec_dict

    builder, schema, comment = _specs()[name]
    folder = folder or (_project() / "azureml")
    body = spec_dict(builder())
    if isinstance(body.get("conda_file"), dict):  # the SDK inlines the conda file: point at it instead
        body["conda_file"] = str(CONDA_FILES[name]())
    body = _clean(body, folder)
    header = "\n".join("# " + line for line in textwrap.wrap(comment, 88))
    generated = "# Generated from coursekit/azure/specs.py by `coursekit azure specs --write`; edit the builder."
    text = yaml.safe_dump(body, sort_keys=False, width=100, default_flow_style=False)
    return f"$schema: {SCHEMA.format(schema)}\n{header}\n{generated}\n{text}"


def names() -> list[str]:
    return list(_specs())


def stale_files(folder: Path | None = None) -> list[str]:
    """The files in ``folder`` (default ``azureml/``) that differ from what the builders make."""
    folder = folder or (_project() / "azureml")
    return [n for n in names() if not (folder / n).is_file() or (folder / n).read_text(encoding="utf-8")
            != render(n, folder)]


def write_all(folder: Path | None = None) -> list[Path]:
    """(Re)write every file; returns the paths written."""
    from ..fileio import write_text_atomic

    folder = folder or (_project() / "azureml")
    return [write_text_atomic(folder / n, render(n, folder)) for n in names()]

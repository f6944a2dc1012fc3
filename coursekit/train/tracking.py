"""Every training run logged to MLflow: its settings, per-epoch metrics, test scores and run card (issue 27).

Where the runs go: ``$MLFLOW_TRACKING_URI`` when it is set (an Azure ML job sets it to the
workspace's tracking, and ``$MLFLOW_RUN_ID`` to the job's own run, which is then the run logged
into), else a local file store, ``RESULTS/mlruns`` (no server; ``coursekit runs`` lists the runs,
``mlflow ui --backend-store-uri RESULTS/mlruns`` shows them in a browser where full MLflow is
installed). The package is ``mlflow-skinny``: the tracking client without the server, pandas,
SQL and plotting dependencies of ``mlflow`` (README, Dependencies).

Tracking never stops or slows a run: it is quiet (no telemetry, no progress bars, warnings only),
makes no network call for the local store, and a failure to log is one line, not an error.
"""
from __future__ import annotations

import json
import logging
import os
import time
import warnings
from pathlib import Path

from ..paths import results_dir

EXPERIMENT = "coursekit"  # the experiment every run is logged under
STORE_FOLDER = "mlruns"  # RESULTS/mlruns: the local store
# Quiet, local and private by default (each only when not set by the user or Azure ML).
MLFLOW_ENV = {"MLFLOW_DISABLE_TELEMETRY": "true", "MLFLOW_ALLOW_FILE_STORE": "true",
              "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false", "GIT_PYTHON_REFRESH": "quiet",
              "MLFLOW_TRACKING_INSECURE_TLS": "false"}
HISTORY_METRICS = ("loss", "eval_loss", "eval_accuracy", "eval_f1_macro", "eval_f1_negative",
                   "eval_precision_negative", "eval_recall_negative")
TEST_METRICS = ("accuracy", "f1_macro", "f1", "f1_negative", "precision_negative", "recall_negative", "loss")


def tracking_uri() -> str:
    """``$MLFLOW_TRACKING_URI``, else the local store ``RESULTS/mlruns`` as a ``file:`` URI."""
    return os.environ.get("MLFLOW_TRACKING_URI") or results_dir(STORE_FOLDER).resolve().as_uri()


def client(uri: str | None = None):
    """A quiet ``MlflowClient`` for ``uri`` (default :func:`tracking_uri`)."""
    for name, value in MLFLOW_ENV.items():
        os.environ.setdefault(name, value)
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from mlflow.tracking import MlflowClient

        return MlflowClient(tracking_uri=uri or tracking_uri())


def experiment_id(mlflow_client, name: str = EXPERIMENT) -> str:
    found = mlflow_client.get_experiment_by_name(name)
    return found.experiment_id if found else mlflow_client.create_experiment(name)


def _params(config, prepared, summary: dict) -> dict:
    """The run's settings as MLflow parameters (strings of at most 500 characters)."""
    params = {k: v for k, v in config.hyperparameters().items() if not isinstance(v, dict)}
    params.update({"data": Path(str(prepared.source)).name, "max_samples": prepared.config.max_samples,
                   "text_column": prepared.config.text_column, "clean": prepared.config.clean,
                   "train_samples": summary.get("train_samples"), "tier": config.extras.get("profile")})
    parameters = (summary.get("method") or {}).get("parameters") or {}
    params.update({f"parameters_{k}": v for k, v in parameters.items()})
    return {k: str(v)[:500] for k, v in params.items()}


def _metrics(summary: dict) -> list:
    """Per-evaluation metrics (with their step) and the final scores, as MLflow ``Metric`` objects."""
    from mlflow.entities import Metric

    now = int(time.time() * 1000)
    out = []
    for row in summary.get("history") or []:
        step = int(row.get("step") or 0)
        for key in HISTORY_METRICS:
            if isinstance(row.get(key), (int, float)):
                name = "train_loss" if key == "loss" else key.replace("eval_", "validation_")
                out.append(Metric(name, float(row[key]), now, step))
        if isinstance(row.get("epoch"), (int, float)) and "eval_loss" in row:
            out.append(Metric("epoch", float(row["epoch"]), now, step))
    finals = {f"test_{k}": v for k, v in (summary.get("test") or {}).items() if k in TEST_METRICS}
    finals["train_runtime_s"] = summary.get("train_runtime_s")
    method = summary.get("method") or {}
    finals.update({f"saved_{k}": v for k, v in (method.get("saved") or {}).items()})
    finals["trainable_parameters"] = (method.get("parameters") or {}).get("trainable")
    out += [Metric(k, float(v), now, 0) for k, v in finals.items() if isinstance(v, (int, float))]
    return out


def track_run(config, prepared, result, card=None) -> str | None:
    """Log a finished run; returns its MLflow run id, or ``None`` (with one line saying why) when it could
    not be logged. Inside an Azure ML job (``$MLFLOW_RUN_ID``) the job's own run is logged into."""
    if not getattr(config, "track", True):
        return None
    uri = None
    try:
        uri = tracking_uri()
        mlflow_client = client(uri)
        run_id, own = os.environ.get("MLFLOW_RUN_ID"), False
        if not run_id:
            tags = {"mlflow.runName": Path(config.output_dir).name or "model", "method": config.method,
                    "base_model": str(config.model), "model_folder": str(Path(config.output_dir).resolve())}
            run_id = mlflow_client.create_run(experiment_id(mlflow_client), tags=tags).info.run_id
            own = True
        _log(mlflow_client, run_id, config, prepared, result, card)
        if own:
            mlflow_client.set_terminated(run_id)
    except Exception as exc:  # noqa: BLE001 - tracking must never cost a finished run
        print(f"tracking: the run was not logged to MLflow ({type(exc).__name__}: {str(exc)[:160]}); "
              f"the model folder is complete", flush=True)
        return None
    print(f"tracking: logged as MLflow run {run_id[:8]} in {uri} (`coursekit runs` compares runs)", flush=True)
    return run_id


def _log(mlflow_client, run_id: str, config, prepared, result, card) -> None:
    summary = result.summary or {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from mlflow.entities import Param

        params = [Param(k, v) for k, v in _params(config, prepared, summary).items()]
        mlflow_client.log_batch(run_id, metrics=_metrics(summary), params=params)
        folder = Path(config.output_dir)
        if card is not None:
            mlflow_client.log_dict(run_id, json.loads(json.dumps(card.to_dict(), default=str)), "coursekit.json")
        for name in ("metrics.json", "README.md"):
            if (folder / name).is_file():
                mlflow_client.log_artifact(run_id, str(folder / name))

"""Azure ML model monitoring for the endpoint: what the deployment collects, and the schedule that reads it.

- :func:`data_collector`: the deployment's data collector. ``model_inputs`` and
  ``model_outputs`` are the collections ``score.py`` fills through ``azureml-ai-monitoring``
  (derived features, and the text unless it is kept out; label, P(positive), latency,
  status, model fingerprint); ``request``/``response`` (the raw HTTP payloads) only when
  texts may be stored.
- :func:`monitor_schedule`: a ``MonitorSchedule`` with a prediction-drift signal (the
  scores of ``model_outputs``) and a data-drift signal (the features of
  ``model_inputs``), both against the reference profile's validation rows, once a day on
  serverless Spark, alerts by e-mail. ``azureml/monitor-schedule.yml`` is generated from it.
- :func:`reference_table`: the reference profile's rows as an MLTable folder to register.

Nothing here talks to Azure; :mod:`.monitor_cloud` does.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .pricing import CostLine, vm_price

REFERENCE_ASSET = "coursekit-monitor-reference"
FEATURES = ("chars", "words", "pieces", "unk")
logging.getLogger("azure.ai.ml._utils._experimental").setLevel(logging.ERROR)  # as in specs.py


@dataclass
class MonitorOptions:
    """Which deployment is watched, against what, how often and on what compute."""

    endpoint: str = "coursekit-sentiment"
    slot: str = "blue"
    name: str = "coursekit-sentiment-monitor"
    reference: str = f"azureml:{REFERENCE_ASSET}:1"
    compute_size: str = "Standard_E4s_v3"  # serverless Spark, the smallest size monitoring runs on
    spark_runtime: str = "3.4"
    hour: int = 3  # one run a day at 03:15 UTC over the last day of traffic
    minute: int = 15
    lookback: str = "P1D"
    psi_threshold: float = 0.2  # the same threshold as `coursekit monitor`
    run_hours: float = 0.5  # what one daily run is assumed to take (for the cost estimate)
    emails: list[str] = field(default_factory=list)

    def collected(self, collection: str) -> str:
        """The data asset Azure ML registers for a deployment's collection."""
        return f"azureml:{self.endpoint}-{self.slot}-{collection}:1"


def data_collector(collect_text: bool = True):
    """The deployment's data collector (see the module docstring)."""
    from azure.ai.ml.entities import DataCollector, DeploymentCollection

    names = ["model_inputs", "model_outputs"] + (["request", "response"] if collect_text else [])
    return DataCollector(collections={n: DeploymentCollection(enabled="true") for n in names},
                         sampling_rate=1.0, rolling_rate="hour")


def monitor_schedule(options: MonitorOptions | None = None):
    """The daily ``MonitorSchedule``: prediction drift and data drift of one deployment."""
    from azure.ai.ml import Input
    from azure.ai.ml.constants import MonitorDatasetContext
    from azure.ai.ml.entities import (AlertNotification, BaselineDataRange, CategoricalDriftMetrics,
                                      DataDriftMetricThreshold, DataDriftSignal, MonitorDefinition, MonitoringTarget,
                                      MonitorSchedule, NumericalDriftMetrics, PredictionDriftMetricThreshold,
                                      PredictionDriftSignal, ProductionData, RecurrencePattern, RecurrenceTrigger,
                                      ReferenceData, ServerlessSparkCompute)

    o = options or MonitorOptions()
    window = BaselineDataRange(lookback_window_size=o.lookback, lookback_window_offset="P0D")

    def production(collection: str, context) -> ProductionData:
        return ProductionData(input_data=Input(path=o.collected(collection), type="uri_folder"),
                              data_context=context, data_window=window)

    reference = ReferenceData(input_data=Input(path=o.reference, type="mltable"),
                              data_context=MonitorDatasetContext.VALIDATION)
    psi = NumericalDriftMetrics(population_stability_index=o.psi_threshold)
    prediction = PredictionDriftSignal(
        production_data=production("model_outputs", MonitorDatasetContext.MODEL_OUTPUTS), reference_data=reference,
        metric_thresholds=PredictionDriftMetricThreshold(
            numerical=psi, categorical=CategoricalDriftMetrics(population_stability_index=o.psi_threshold)),
        alert_enabled=True)
    data = DataDriftSignal(
        production_data=production("model_inputs", MonitorDatasetContext.MODEL_INPUTS), reference_data=reference,
        features=list(FEATURES), metric_thresholds=DataDriftMetricThreshold(numerical=psi), alert_enabled=True)
    definition = MonitorDefinition(
        compute=ServerlessSparkCompute(instance_type=o.compute_size.lower(), runtime_version=o.spark_runtime),
        monitoring_target=MonitoringTarget(ml_task="classification",
                                           endpoint_deployment_id=f"azureml:{o.endpoint}:{o.slot}"),
        monitoring_signals={"prediction-drift": prediction, "data-drift": data},
        alert_notification=AlertNotification(emails=list(o.emails)) if o.emails else None)
    trigger = RecurrenceTrigger(frequency="day", interval=1, schedule=RecurrencePattern(hours=o.hour, minutes=o.minute))
    return MonitorSchedule(name=o.name, trigger=trigger, create_monitor=definition,
                           description=f"Daily drift check of {o.endpoint}/{o.slot} (coursekit)")


def validate_schedule(schedule):
    """Round-trip through YAML and the SDK's ``load_schedule`` (schema validation); returns the loaded one."""
    from azure.ai.ml.entities._load_functions import load_schedule

    with tempfile.TemporaryDirectory(prefix="coursekit-spec-") as tmp:
        path = Path(tmp) / "schedule.yml"
        path.write_text(yaml.safe_dump(schedule_dict(schedule), sort_keys=False), encoding="utf-8")
        return load_schedule(str(path))


def schedule_dict(schedule) -> dict:
    return json.loads(json.dumps(schedule._to_dict(), default=str))


def reference_table(profile: dict, folder: str | os.PathLike) -> Path:
    """The reference profile's validation rows as an MLTable folder (``reference.jsonl`` + ``MLTable``)."""
    from ..fileio import write_text_atomic

    folder = Path(folder)
    data = profile["data"]
    lines = [json.dumps({**{name: data[name][i] for name in FEATURES}, "label": data["label"][i],
                         "p_positive": data["p_positive"][i]}) for i in range(len(data["p_positive"]))]
    write_text_atomic(folder / "reference.jsonl", "\n".join(lines) + "\n")
    mltable = {"type": "mltable", "paths": [{"file": "./reference.jsonl"}],
               "transformations": [{"read_json_lines": {"encoding": "utf8", "include_path_column": False}}]}
    write_text_atomic(folder / "MLTable", yaml.safe_dump(mltable, sort_keys=False))
    return folder


def reference_data_asset(folder: str | os.PathLike, name: str = REFERENCE_ASSET):
    from azure.ai.ml.constants import AssetTypes
    from azure.ai.ml.entities import Data

    return Data(name=name, path=str(folder), type=AssetTypes.MLTABLE, tags={"course": "coursekit"},
                description="Validation rows of the model's reference profile: features, label, P(positive)")


def cost_line(options: MonitorOptions | None = None, table: dict | None = None) -> CostLine:
    """The schedule's cost as an hourly average: one run a day of ``run_hours`` on its Spark size."""
    o = options or MonitorOptions()
    price = vm_price(o.compute_size, table).usd_per_hour
    return CostLine(f"monitor schedule (1 run/day, ~{o.run_hours:g} h of serverless Spark, averaged)",
                    o.compute_size, 1, round(price * o.run_hours / 24, 5))

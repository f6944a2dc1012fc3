"""``coursekit azure plan``: every spec built, schema-validated and priced, offline."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml

from . import pricing, specs


@dataclass
class Plan:
    """The validated specs (as YAML-able dicts) and the hourly cost lines."""

    specs: dict[str, dict] = field(default_factory=dict)
    costs: list[pricing.CostLine] = field(default_factory=list)
    price_table: dict = field(default_factory=lambda: pricing.PRICE_TABLE)

    def to_text(self, show_specs: bool = True) -> str:
        parts = []
        if show_specs:
            for name, spec in self.specs.items():
                parts.append(f"# --- {name} (validated with azure-ai-ml) ---\n"
                             + yaml.safe_dump(spec, sort_keys=False).rstrip())
        else:
            parts.append("validated specs: " + ", ".join(self.specs))
        parts.append(pricing.format_cost_table(self.costs, self.price_table))
        return "\n\n".join(parts)


def build_plan(training: specs.TrainingOptions | None = None, deployment: specs.DeploymentOptions | None = None,
               export_dir: str | os.PathLike | None = None, data_file: str | os.PathLike | None = None,
               price_file: str | os.PathLike | None = None) -> Plan:
    """Build every resource, validate each through the SDK's ``load_*`` and price the VMs.

    ``export_dir`` and ``data_file`` add the model registration and the data asset when
    given (they must exist: the SDK would upload them).
    """
    training = training or specs.TrainingOptions()
    deployment = deployment or specs.DeploymentOptions()
    entities = {
        "environment: training": specs.training_environment(),
        "environment: endpoint": specs.endpoint_environment(),
    }
    if data_file:
        entities["data asset: reviews"] = specs.reviews_data_asset(data_file)
    if export_dir:
        entities["model: onnx"] = specs.onnx_model(export_dir)
    entities.update({
        "compute: gpu cluster": specs.gpu_cluster(training),
        "job: training": specs.training_job(training),
        "endpoint": specs.online_endpoint(deployment.endpoint),
        f"deployment: {deployment.slot}": specs.online_deployment(deployment),
    })
    plan = Plan(price_table=pricing.load_price_table(price_file))
    for name, entity in entities.items():
        specs.validate(entity)
        plan.specs[name] = specs.spec_dict(entity)
    from . import monitor_specs

    monitor = monitor_specs.MonitorOptions(endpoint=deployment.endpoint, slot=deployment.slot)
    monitor_specs.validate_schedule(monitor_specs.monitor_schedule(monitor))
    plan.specs["monitor: schedule"] = monitor_specs.schedule_dict(monitor_specs.monitor_schedule(monitor))
    plan.costs = pricing.estimate([
        (f"endpoint deployment '{deployment.slot}'", deployment.instance_type, deployment.instance_count),
        (f"training job ({training.nodes} node(s), while it runs)", training.gpu_size, training.nodes),
    ], plan.price_table) + [monitor_specs.cost_line(monitor, plan.price_table)]
    return plan

"""The actions on a real workspace: train on a GPU cluster, deploy, invoke, logs, delete.

Every action takes an ``MLClient`` (see :mod:`.workspace`), waits with a progress line,
turns the service's errors about quota, permissions and missing resources into an
:class:`~coursekit.errors.AzureSetupError` that says what to do, and never prints an
endpoint key, token or subscription id.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import AzureSetupError
from . import specs
from .redact import redact

PROGRESS_EVERY_S = 20


def say(message: str) -> None:
    print(redact(message), flush=True)


@contextmanager
def service_errors(action: str):
    """Translate Azure SDK errors raised while doing ``action`` into one clear line."""
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError

    try:
        yield
    except ClientAuthenticationError as exc:
        raise AzureSetupError(f"{action}: not signed in to Azure or the token expired; run `az login` "
                              f"({redact(str(exc).splitlines()[0])})") from None
    except ResourceNotFoundError as exc:
        raise AzureSetupError(f"{action}: not found: {redact(_message(exc))}") from None
    except HttpResponseError as exc:
        text = _message(exc)
        hint = ""
        low = text.lower()
        if "quota" in low or "not enough" in low or "capacity" in low:
            hint = (" — the subscription lacks quota for this VM size in this region: request more in the portal "
                    "(Azure ML studio → Quota) or choose a smaller --instance-type / another region")
        elif exc.status_code in (401, 403) or "authorization" in low:
            hint = " — your account lacks a role on the workspace (AzureML Data Scientist or Contributor)"
        raise AzureSetupError(f"{action} failed ({exc.status_code or 'error'}): {redact(text)}{hint}") from None


def _message(exc) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(message.split())[:500]


def wait(poller, what: str, every: float = PROGRESS_EVERY_S):
    """Wait for a long-running operation, printing the elapsed time and status."""
    start = time.monotonic()
    while not poller.done():
        poller.wait(every)
        if not poller.done():
            say(f"  … {what}: {poller.status()} after {time.monotonic() - start:.0f} s")
    result = poller.result()
    say(f"  {what}: done in {time.monotonic() - start:.0f} s")
    return result


def connect(client):
    """Check the workspace exists before doing anything that costs time or money."""
    with service_errors(f"opening workspace {client.workspace_name!r}"):
        workspace = client.workspaces.get(client.workspace_name)
    say(f"connected to workspace {workspace.name!r} ({workspace.location})")
    return workspace


def ensure_compute(client, options: specs.TrainingOptions):
    """The GPU cluster, created (scaling from 0 nodes) when it does not exist yet."""
    from azure.core.exceptions import ResourceNotFoundError

    try:
        compute = client.compute.get(options.compute)
        say(f"compute {compute.name!r}: {getattr(compute, 'size', '?')}")
        return compute
    except ResourceNotFoundError:
        pass
    cluster = specs.gpu_cluster(options)
    say(f"creating compute cluster {cluster.name!r} ({cluster.size}, 0-{cluster.max_instances} nodes, {cluster.tier})")
    with service_errors(f"creating compute {cluster.name!r}"):
        return wait(client.compute.begin_create_or_update(cluster), f"cluster {cluster.name}")


def submit_training(client, options: specs.TrainingOptions, stream: bool = True):
    """Register the environment (and a local data file), submit the job, stream its log."""
    connect(client)
    ensure_compute(client, options)
    with service_errors("registering the training environment"):
        env = client.environments.create_or_update(specs.training_environment())
    options.environment = f"azureml:{env.name}:{env.version}"
    if options.data and not options.data.startswith(("azureml:", "https://", "abfss://", "wasbs://")):
        with service_errors(f"uploading {options.data}"):
            data = client.data.create_or_update(specs.reviews_data_asset(options.data))
        options.data = f"azureml:{data.name}:{data.version}"
        say(f"data asset {data.name}:{data.version} uploaded")
    job = specs.training_job(options)
    with service_errors("submitting the training job"):
        submitted = client.jobs.create_or_update(job)
    say(f"submitted job {submitted.name} to {options.compute} ({options.nodes} node(s)); status {submitted.status}")
    if stream:
        with service_errors(f"streaming job {submitted.name}"):
            client.jobs.stream(submitted.name)
        submitted = client.jobs.get(submitted.name)
        say(f"job {submitted.name}: {submitted.status}; model folder in its output 'model_dir'")
    return submitted


def deploy(client, export_dir: str | os.PathLike, options: specs.DeploymentOptions, traffic: int | None = None):
    """Register the exported model and the scoring environment, create or update the
    endpoint and the deployment slot, then route traffic (blue/green)."""
    from azure.core.exceptions import ResourceNotFoundError

    connect(client)
    with service_errors("registering the model"):
        model = client.models.create_or_update(specs.onnx_model(export_dir))
    say(f"model {model.name}:{model.version} registered")
    with service_errors("registering the scoring environment"):
        env = client.environments.create_or_update(specs.endpoint_environment())
    options.model = f"azureml:{model.name}:{model.version}"
    options.environment = f"azureml:{env.name}:{env.version}"

    try:
        endpoint = client.online_endpoints.get(options.endpoint)
        say(f"endpoint {options.endpoint!r} exists (traffic {dict(endpoint.traffic or {})})")
    except ResourceNotFoundError:
        say(f"creating endpoint {options.endpoint!r} (key auth)")
        with service_errors(f"creating endpoint {options.endpoint!r}"):
            endpoint = wait(client.online_endpoints.begin_create_or_update(specs.online_endpoint(options.endpoint)),
                            f"endpoint {options.endpoint}")
    deployment = specs.online_deployment(options)
    say(f"deploying slot {options.slot!r}: {options.instance_count} x {options.instance_type} "
        "(building the image takes 5-15 minutes the first time)")
    with service_errors(f"deploying {options.slot!r}"):
        wait(client.online_deployments.begin_create_or_update(deployment), f"deployment {options.slot}")
    existing = dict(client.online_endpoints.get(options.endpoint).traffic or {})
    share = traffic if traffic is not None else (100 if not any(existing.values()) else 0)
    endpoint.traffic = specs.traffic_split(options.slot, share, existing or {options.slot: 0})
    with service_errors("routing traffic"):
        endpoint = wait(client.online_endpoints.begin_create_or_update(endpoint), "traffic update")
    say(f"traffic now {dict(endpoint.traffic)}; scoring URI {endpoint.scoring_uri}")
    return endpoint


def invoke(client, endpoint: str, texts: list[str], slot: str | None = None) -> dict:
    """Score ``texts`` on the endpoint (the SDK fetches the key itself; it is never shown)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump({"texts": texts}, fh)
        request_file = fh.name
    try:
        with service_errors(f"invoking {endpoint!r}"):
            raw = client.online_endpoints.invoke(endpoint_name=endpoint, request_file=request_file,
                                                 deployment_name=slot)
    finally:
        os.unlink(request_file)
    return json.loads(raw) if isinstance(raw, (str, bytes)) else raw


def logs(client, endpoint: str, slot: str, lines: int = 100, container: str | None = None) -> str:
    """The last ``lines`` of the deployment's container log (``storage-initializer`` when
    the model fails to download), redacted."""
    with service_errors(f"reading logs of {endpoint}/{slot}"):
        text = client.online_deployments.get_logs(name=slot, endpoint_name=endpoint, lines=lines,
                                                  container_type=container)
    return redact(text)


def monitoring_summary(client, endpoint: str) -> dict:
    """Endpoint state, traffic and each slot's size and data collection, for monitoring."""
    with service_errors(f"reading endpoint {endpoint!r}"):
        ep = client.online_endpoints.get(endpoint)
        slots = list(client.online_deployments.list(endpoint_name=endpoint))
    summary = {"endpoint": ep.name, "state": ep.provisioning_state, "traffic": dict(ep.traffic or {}),
               "deployments": {}}
    for d in slots:
        collector = getattr(d, "data_collector", None)
        summary["deployments"][d.name] = {
            "state": d.provisioning_state, "instance_type": d.instance_type, "instances": d.instance_count,
            "app_insights": bool(d.app_insights_enabled),
            "data_collection": sorted((collector.collections or {}).keys()) if collector else [],
        }
    return summary


def delete(client, endpoint: str):
    """Delete the endpoint and all its deployments (billing stops)."""
    with service_errors(f"deleting endpoint {endpoint!r}"):
        wait(client.online_endpoints.begin_delete(name=endpoint), f"delete {endpoint}")
    say(f"endpoint {endpoint!r} deleted; its VMs are no longer billed")


def confirm(question: str, assume_yes: bool = False) -> bool:
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise AzureSetupError(f"{question} — refusing without confirmation; pass --yes")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def example_texts(path: str | os.PathLike | None) -> list[str]:
    """Texts to send: lines of a file, or two real reviews of the course's shop export."""
    if path is None:
        from ..data.shop import EXAMPLE_NEGATIVE, EXAMPLE_POSITIVE

        return [EXAMPLE_POSITIVE, EXAMPLE_NEGATIVE]
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or ("not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc)
        raise AzureSetupError(f"--file {path}: cannot read the texts ({reason})") from exc
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    if not lines:
        raise AzureSetupError(f"{path}: no texts (one per line)")
    return lines

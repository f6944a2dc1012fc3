"""Find the student's Azure ML workspace and credentials, or say exactly what is missing.

The workspace comes from command-line options, then the environment variables
``AZURE_SUBSCRIPTION_ID``, ``AZURE_RESOURCE_GROUP`` and ``AZUREML_WORKSPACE_NAME``,
then a ``config.json`` downloaded from the Azure portal (searched in the current folder,
its ``.azureml/`` folder and their parents, like ``MLClient.from_config``).
Credentials come from ``DefaultAzureCredential`` (``az login``, a service principal in
the environment, or a compute instance's managed identity), checked once up front so a
missing login fails in well under a second instead of at the first upload.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import AzureSetupError
from .redact import mask_id

ENV_VARS = {"subscription_id": "AZURE_SUBSCRIPTION_ID", "resource_group": "AZURE_RESOURCE_GROUP",
            "workspace_name": "AZUREML_WORKSPACE_NAME"}
ARM_SCOPE = "https://management.azure.com/.default"


@dataclass(frozen=True)
class WorkspaceRef:
    subscription_id: str
    resource_group: str
    workspace_name: str
    source: str

    def describe(self) -> str:
        """Names the workspace without printing the subscription id in full."""
        return (f"workspace {self.workspace_name!r} in resource group {self.resource_group!r} "
                f"(subscription {mask_id(self.subscription_id)}, from {self.source})")


def find_config(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest ``config.json`` or ``.azureml/config.json`` at or above ``start``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for candidate in (folder / "config.json", folder / ".azureml" / "config.json"):
            if candidate.is_file() and _looks_like_workspace_config(candidate):
                return candidate
    return None


def _looks_like_workspace_config(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "subscription_id" in data


def resolve_workspace(subscription_id: str | None = None, resource_group: str | None = None,
                      workspace_name: str | None = None, config: str | os.PathLike | None = None) -> WorkspaceRef:
    """Combine options, environment and ``config.json``; error names what is missing."""
    given = {"subscription_id": subscription_id, "resource_group": resource_group, "workspace_name": workspace_name}
    sources = {k: "options" for k, v in given.items() if v}
    for key, var in ENV_VARS.items():
        if not given[key] and os.environ.get(var):
            given[key], sources[key] = os.environ[var], f"${var}"
    config_path = Path(config) if config else None
    if config_path is not None and not config_path.is_file():
        raise AzureSetupError(f"{config_path}: no such workspace config file")
    if not all(given.values()):
        config_path = config_path or find_config()
        if config_path is not None:
            try:
                data = json.loads(config_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise AzureSetupError(f"{config_path}: not a readable workspace config.json ({exc})") from exc
            if not isinstance(data, dict):
                raise AzureSetupError(f"{config_path}: not a workspace config.json (expected a JSON object with "
                                      "subscription_id, resource_group, workspace_name); check --config")
            for key in given:
                alias = "workspace" if key == "workspace_name" else key
                value = data.get(key) or data.get(alias)
                if not given[key] and value:
                    given[key], sources[key] = value, config_path.name
    missing = [key for key, value in given.items() if not value]
    if missing:
        raise AzureSetupError(
            "no Azure ML workspace configured: missing " + ", ".join(missing) + ". Download config.json from "
            "the Azure portal (workspace overview → 'Download config.json') into this folder, or pass "
            "--subscription/--resource-group/--workspace, or set " + ", ".join(ENV_VARS[k] for k in missing))
    return WorkspaceRef(given["subscription_id"], given["resource_group"], given["workspace_name"],
                        ", ".join(sorted(set(sources.values()))))


def workspace_configured(**kwargs) -> bool:
    """True when :func:`resolve_workspace` would succeed (used to skip notebook cells)."""
    try:
        resolve_workspace(**kwargs)
    except AzureSetupError:
        return False
    return True


def get_credential(check: bool = True):
    """``DefaultAzureCredential``, verified with one token request when ``check`` is true."""
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import DefaultAzureCredential

    credential = DefaultAzureCredential(exclude_interactive_browser_credential=True)
    if check:
        identity_logger = logging.getLogger("azure.identity")
        level = identity_logger.level
        identity_logger.setLevel(logging.CRITICAL)  # our message below replaces its long warning
        try:
            credential.get_token(ARM_SCOPE)
        except ClientAuthenticationError as exc:
            raise AzureSetupError(
                "no Azure credentials: sign in with `az login` (or `az login --use-device-code`), set a service "
                "principal in AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or run on an Azure ML compute "
                f"instance with a managed identity ({_first_line(exc)})") from None
        finally:
            identity_logger.setLevel(level)
    return credential


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def ml_client(workspace: WorkspaceRef | None = None, credential=None, **kwargs):
    """An ``MLClient`` for the resolved workspace with checked credentials."""
    from azure.ai.ml import MLClient

    workspace = workspace or resolve_workspace(**kwargs)
    credential = credential or get_credential()
    return MLClient(credential, workspace.subscription_id, workspace.resource_group, workspace.workspace_name)

"""`coursekit azure ...` without a subscription: plan offline, fail fast and clearly otherwise,
never print secrets; the deploy orchestration against a recording stand-in client."""
from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from coursekit.azure import cloud, specs
from coursekit.azure.redact import mask_id, redact
from coursekit.azure.workspace import find_config, resolve_workspace, workspace_configured
from coursekit.cli import main
from coursekit.errors import AzureSetupError

SUB = "0f1e2d3c-4b5a-6978-8776-655443322110"


@pytest.fixture
def no_azure_env(monkeypatch, tmp_path):
    for var in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME", "AZURE_CLIENT_ID",
                "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _config(folder, **values):
    data = {"subscription_id": SUB, "resource_group": "rg-course", "workspace_name": "ws-course", **values}
    path = folder / "config.json"
    path.write_text(json.dumps(data))
    return path


# --- workspace ------------------------------------------------------------------------------
def test_missing_workspace_names_every_missing_field(no_azure_env):
    with pytest.raises(AzureSetupError) as info:
        resolve_workspace()
    message = str(info.value)
    for word in ("subscription_id", "resource_group", "workspace_name", "config.json", "--workspace"):
        assert word in message
    assert not workspace_configured()


def test_workspace_from_config_found_in_a_parent_folder(no_azure_env):
    _config(no_azure_env)
    child = no_azure_env / "notebooks"
    child.mkdir()
    assert find_config(child) == no_azure_env / "config.json"
    ref = resolve_workspace()
    assert (ref.subscription_id, ref.resource_group, ref.workspace_name) == (SUB, "rg-course", "ws-course")
    assert SUB not in ref.describe() and "0f1e…" in ref.describe()


def test_options_and_environment_override_config(no_azure_env, monkeypatch):
    _config(no_azure_env)
    monkeypatch.setenv("AZUREML_WORKSPACE_NAME", "from-env")
    ref = resolve_workspace(resource_group="from-option")
    assert (ref.resource_group, ref.workspace_name, ref.subscription_id) == ("from-option", "from-env", SUB)


def test_other_config_json_files_are_ignored(no_azure_env):
    (no_azure_env / "config.json").write_text('{"not": "a workspace"}')
    assert find_config() is None
    with pytest.raises(AzureSetupError, match="no such workspace config file"):
        resolve_workspace(config=no_azure_env / "elsewhere.json")


def test_cloud_commands_without_workspace_fail_fast(no_azure_env, capsys, monkeypatch):
    """Fast means: no credential is even built and nothing waits (no retry sleeps), whatever the machine load."""
    import azure.identity

    def no_waiting(seconds):
        raise AssertionError(f"slept {seconds} s before failing")

    def no_credential(*args, **kwargs):
        raise AssertionError("built a credential before checking the workspace")

    monkeypatch.setattr(time, "sleep", no_waiting)
    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", no_credential)
    for argv in (["azure", "invoke"], ["azure", "logs"], ["azure", "delete", "--yes"], ["azure", "train"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("coursekit azure: error: no Azure ML workspace configured") and "\n" not in err


def test_cloud_commands_without_credentials_fail_fast(no_azure_env, capsys, monkeypatch):
    """Fast means no retry loop sleeps before the error (a structural check, not a timing one)."""
    _config(no_azure_env)

    def no_waiting(seconds):
        raise AssertionError(f"slept {seconds} s before failing")

    monkeypatch.setattr(time, "sleep", no_waiting)
    assert main(["azure", "delete", "--endpoint", "demo", "--yes"]) == 2
    out, err = capsys.readouterr()
    assert "no Azure credentials" in err and "az login" in err
    assert SUB not in out + err


# --- secrets ------------------------------------------------------------------------------------
def test_redact_masks_keys_tokens_and_ids():
    text = ('{"primaryKey": "abcDEF123456==", "secondaryKey": "zzzYYY987654=="} Authorization: Bearer eyJhbGciOi.x.y '
            f"subscriptions/{SUB}/resourceGroups/rg api_key=s3cr3tvalue")
    clean = redact(text, secrets=("extra-secret-value",))
    for secret in ("abcDEF123456==", "zzzYYY987654==", "eyJhbGciOi.x.y", SUB, "s3cr3tvalue"):
        assert secret not in clean
    assert "rg" in clean and "0f1e…" in clean
    assert redact("the key extra-secret-value leaked", ("extra-secret-value",)) == "the key **** leaked"
    assert mask_id(SUB) == "0f1e…" and mask_id(None) == "(none)"


# --- plan -------------------------------------------------------------------------------------
def test_plan_prints_validated_specs_and_cost(no_azure_env, capsys):
    assert main(["azure", "plan", "--nodes", "2", "--instance-count", "2", "--slot", "green"]) == 0
    out = capsys.readouterr().out
    for heading in ("environment: training", "environment: endpoint", "compute: gpu cluster", "job: training",
                    "endpoint", "deployment: green"):
        assert f"# --- {heading} (validated with azure-ai-ml) ---" in out
    assert "process_count_per_instance: 1" in out and "instance_count: 2" in out and "auth_mode: key" in out
    assert "List prices as of" in out and "total while everything runs" in out


def test_plan_brief_with_model_and_data(no_azure_env, capsys, offline_export):
    export = offline_export
    from coursekit.profiles import shop_reviews_path

    assert main(["azure", "plan", "--brief", "--model-dir", str(export), "--data", str(shop_reviews_path())]) == 0
    out = capsys.readouterr().out
    assert "model: onnx" in out and "data asset: reviews" in out and "# ---" not in out


def test_plan_rejects_an_unpriced_instance_type(no_azure_env, capsys):
    assert main(["azure", "plan", "--brief", "--instance-type", "Standard_Unknown"]) == 2
    assert "no list price for instance type 'Standard_Unknown'" in capsys.readouterr().err


# --- error translation and progress ----------------------------------------------------------------
def test_quota_errors_say_what_to_do():
    with pytest.raises(AzureSetupError) as info:
        with cloud.service_errors("deploying 'blue'"):
            raise HttpResponseError(message="Not enough quota available for Standard_DS3_v2 in SubscriptionId "
                                            f"{SUB}. Current usage/limit: 4/4.")
    message = str(info.value)
    assert "deploying 'blue' failed" in message and "quota" in message and "--instance-type" in message
    assert SUB not in message


def test_missing_resources_are_named():
    with pytest.raises(AzureSetupError, match="deleting endpoint 'x': not found"):
        with cloud.service_errors("deleting endpoint 'x'"):
            raise ResourceNotFoundError(message="Endpoint x does not exist")


class _Poller:
    def __init__(self, result, polls=2):
        self._result, self._left = result, polls

    def done(self):
        return self._left <= 0

    def wait(self, timeout=None):
        self._left -= 1

    def status(self):
        return "InProgress"

    def result(self):
        return self._result


def test_wait_prints_progress(capsys):
    assert cloud.wait(_Poller("ok", polls=3), "deployment blue", every=0) == "ok"
    out = capsys.readouterr().out
    assert out.count("deployment blue: InProgress") == 2 and "deployment blue: done" in out


class _Recorder:
    """A stand-in MLClient recording what coursekit asks of Azure (no network)."""

    def __init__(self, live_traffic):
        self.calls, self.workspace_name, self.traffic = [], "ws-course", dict(live_traffic)
        me = self
        self.workspaces = SimpleNamespace(get=lambda name: SimpleNamespace(name=name, location="eastus"))
        self.models = SimpleNamespace(create_or_update=lambda m: me._asset("model", m))
        self.environments = SimpleNamespace(create_or_update=lambda e: me._asset("environment", e))
        self.online_endpoints = SimpleNamespace(get=self._get_endpoint, begin_create_or_update=self._update_endpoint)
        self.online_deployments = SimpleNamespace(begin_create_or_update=self._deploy)

    def _asset(self, kind, entity):
        self.calls.append((kind, entity))
        return SimpleNamespace(name=entity.name, version="7")

    def _get_endpoint(self, name):
        if not self.traffic:
            raise ResourceNotFoundError(message=f"{name} not found")
        return SimpleNamespace(name=name, traffic=dict(self.traffic), scoring_uri=f"https://{name}.example/score")

    def _update_endpoint(self, endpoint):
        self.calls.append(("endpoint", endpoint))
        self.traffic = dict(endpoint.traffic or {}) or {"_created": 0}
        return _Poller(SimpleNamespace(name=endpoint.name, traffic=dict(endpoint.traffic or {}),
                                       scoring_uri=f"https://{endpoint.name}.example/score"), polls=0)

    def _deploy(self, deployment):
        self.calls.append(("deployment", deployment))
        self.traffic.pop("_created", None)
        self.traffic.setdefault(deployment.name, 0)
        return _Poller(deployment, polls=0)


def test_first_deploy_creates_endpoint_and_routes_all_traffic(offline_export, capsys):
    client = _Recorder({})
    export = offline_export
    endpoint = cloud.deploy(client, export, specs.DeploymentOptions(slot="blue"))
    kinds = [kind for kind, _ in client.calls]
    assert kinds == ["model", "environment", "endpoint", "deployment", "endpoint"]
    deployment = client.calls[3][1]
    assert deployment.model == "azureml:coursekit-sentiment-onnx:7"
    assert deployment.environment == "azureml:coursekit-endpoint:7"
    assert endpoint.traffic == {"blue": 100}


def test_green_deploy_next_to_live_blue_gets_the_requested_share(offline_export, capsys):
    client = _Recorder({"blue": 100})
    export = offline_export
    endpoint = cloud.deploy(client, export, specs.DeploymentOptions(slot="green"), traffic=10)
    assert [k for k, _ in client.calls] == ["model", "environment", "deployment", "endpoint"]
    assert endpoint.traffic == {"blue": 90, "green": 10}
    assert "traffic now {'blue': 90, 'green': 10}" in capsys.readouterr().out


@pytest.fixture
def trained_folder_no_azure(no_azure_env, monkeypatch):
    """A trained-looking model folder with no Azure settings; exporting it is recorded, not done."""
    exports = []
    import coursekit.export

    monkeypatch.setattr(coursekit.export, "export_onnx", lambda *a, **k: exports.append(a))
    trained = no_azure_env / "trained"
    trained.mkdir()
    (trained / "config.json").write_text("{}")
    (trained / "model.safetensors").write_bytes(b"")
    return trained, exports


def test_deploy_of_a_trained_folder_checks_the_workspace_before_exporting(trained_folder_no_azure, capsys):
    trained, exports = trained_folder_no_azure
    assert main(["azure", "deploy", str(trained)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("coursekit azure: error: no Azure ML workspace configured") and "\n" not in err
    assert exports == [] and not (trained / "onnx").exists()


def test_deploy_of_a_missing_folder_names_it(trained_folder_no_azure, capsys):
    trained, _ = trained_folder_no_azure
    assert main(["azure", "deploy", str(trained.parent / "absent")]) == 2
    assert "absent: no such folder" in capsys.readouterr().err


def test_deploy_of_a_trained_folder_checks_credentials_before_exporting(trained_folder_no_azure, capsys):
    trained, exports = trained_folder_no_azure
    (trained.parent / "config.json").write_text(json.dumps(
        {"subscription_id": "00000000-0000-0000-0000-000000000000", "resource_group": "rg", "workspace_name": "ws"}))
    assert main(["azure", "deploy", str(trained)]) == 2
    err = capsys.readouterr().err.strip()
    assert "no Azure credentials" in err and "\n" not in err
    assert exports == [] and not (trained / "onnx").exists()

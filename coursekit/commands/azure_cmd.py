"""``coursekit azure plan | train | deploy | invoke | logs | monitor | delete``."""
from __future__ import annotations

import argparse
import json


def _workspace_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("workspace (default: config.json, then $AZURE_SUBSCRIPTION_ID, "
                             "$AZURE_RESOURCE_GROUP, $AZUREML_WORKSPACE_NAME)")
    g.add_argument("--config", help="path of the workspace config.json downloaded from the portal")
    g.add_argument("--subscription", help="subscription id")
    g.add_argument("--resource-group", help="resource group name")
    g.add_argument("--workspace", help="Azure ML workspace name")


def _training_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--nodes", type=int, default=1, help="GPU nodes (default: 1; 2+ runs multi-node)")
    p.add_argument("--processes-per-node", type=int, default=1, help="training processes per node: one per GPU")
    p.add_argument("--gpu-size", default="Standard_NC4as_T4_v3", help="VM size of the GPU cluster")
    p.add_argument("--compute", default="gpu-cluster", help="compute cluster name (created if missing)")
    p.add_argument("--dedicated", action="store_true", help="dedicated nodes instead of cheaper low-priority ones")


def _deployment_options(p: argparse.ArgumentParser, slot_default: str = "blue") -> None:
    from ..azure.specs import DeploymentOptions

    p.add_argument("--endpoint", default="coursekit-sentiment", help="endpoint name (unique per region)")
    p.add_argument("--slot", default=slot_default, choices=["blue", "green"], help="deployment slot")
    p.add_argument("--instance-type", default=DeploymentOptions.instance_type,
                   help="VM size of the deployment (default: %(default)s, 2 vCPUs as the serving settings were measured)")
    p.add_argument("--instance-count", type=int, default=1, help="number of instances")


def add_parser(subparsers) -> None:
    azure = subparsers.add_parser("azure", help="Azure ML: plan, train on GPU, deploy, invoke, logs, delete",
                                  description="Train and deploy on Azure ML. `plan` works offline; the other "
                                              "commands need a workspace and `az login` (or another credential).")
    sub = azure.add_subparsers(dest="azure_command", metavar="ACTION")
    sub.required = True
    _add_offline_actions(sub)
    _add_train_and_deploy(sub)
    _add_endpoint_actions(sub)


def _add_offline_actions(sub) -> None:
    plan = sub.add_parser("plan", help="print the validated specs and the estimated hourly cost (offline)")
    _training_options(plan)
    _deployment_options(plan)
    plan.add_argument("--model-dir", help="exported ONNX folder to include the model registration")
    plan.add_argument("--data", help="local data file to include the data asset")
    plan.add_argument("--prices", help="JSON price table to use instead of the built-in one")
    plan.add_argument("--brief", action="store_true", help="the cost table only, not the specs")
    plan.set_defaults(func=run_plan)

    yaml_files = sub.add_parser("specs", help="check or rewrite the Azure ML YAML in azureml/ from the SDK builders",
                                description="azureml/*.yml is generated from coursekit/azure/specs.py: without "
                                            "options, list the files that differ from the builders; --write "
                                            "rewrites them.")
    yaml_files.add_argument("--write", action="store_true", help="rewrite every file in azureml/")
    yaml_files.set_defaults(func=run_specs)


def _add_train_and_deploy(sub) -> None:
    train = sub.add_parser("train", help="run `coursekit train` as a command job on a GPU cluster")
    _workspace_options(train)
    _training_options(train)
    train.add_argument("--data", help="local CSV to upload, or an azureml:NAME:VERSION data asset "
                                      "(default: the course's shop review export)")
    train.add_argument("--job-tier", default="full", choices=["full", "offline"],
                       help="the tier the job trains on, on the GPU cluster (default: full; not the local tier)")
    train.add_argument("--no-stream", action="store_true", help="submit and return without streaming the log")
    train.add_argument("train_args", nargs=argparse.REMAINDER, help="after --: more `coursekit train` options")
    train.set_defaults(func=run_train)

    deploy = sub.add_parser("deploy", help="register the model and deploy it to a managed online endpoint")
    _workspace_options(deploy)
    deploy.add_argument("model_dir", help="exported ONNX folder, or a trained model folder (exported first)")
    _deployment_options(deploy)
    deploy.add_argument("--traffic", type=int, help="percent of traffic for this slot (default: 100 for the "
                                                    "first deployment, 0 for a new slot next to a live one)")
    deploy.set_defaults(func=run_deploy)


def _add_endpoint_actions(sub) -> None:
    invoke = sub.add_parser("invoke", help="score texts on the endpoint")
    _workspace_options(invoke)
    invoke.add_argument("--endpoint", default="coursekit-sentiment")
    invoke.add_argument("--slot", choices=["blue", "green"], help="call this slot directly (default: by traffic)")
    invoke.add_argument("--text", action="append", help="a text to score (repeatable)")
    invoke.add_argument("--file", help="texts to score, one per line")
    invoke.set_defaults(func=run_invoke)

    logs = sub.add_parser("logs", help="container logs and monitoring summary of a deployment")
    _workspace_options(logs)
    logs.add_argument("--endpoint", default="coursekit-sentiment")
    logs.add_argument("--slot", default="blue", choices=["blue", "green"])
    logs.add_argument("--lines", type=int, default=100)
    logs.add_argument("--container", choices=["inference-server", "storage-initializer"],
                      help="which container (default: the inference server)")
    logs.set_defaults(func=run_logs)

    _monitor_parser(sub)

    delete = sub.add_parser("delete", help="delete the endpoint so that it stops costing money")
    _workspace_options(delete)
    delete.add_argument("--endpoint", default="coursekit-sentiment")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(func=run_delete)


def _monitor_parser(sub) -> None:
    monitor = sub.add_parser("monitor", help="create a daily Azure ML monitor (prediction and data drift) of a slot",
                             description="Register the reference profile of MODEL_DIR (monitoring-reference.json, "
                                         "written by `coursekit train`) and create the MonitorSchedule of "
                                         "azureml/monitor-schedule.yml for the slot. Its cost is in `azure plan`.")
    _workspace_options(monitor)
    monitor.add_argument("model_dir", help="trained model folder (or its onnx/ folder) holding the reference profile")
    monitor.add_argument("--endpoint", default="coursekit-sentiment")
    monitor.add_argument("--slot", default="blue", choices=["blue", "green"])
    monitor.add_argument("--email", action="append", default=[], help="who gets the alerts (repeatable)")
    monitor.set_defaults(func=run_monitor)


def _training(args):
    from ..azure.specs import TrainingOptions

    return TrainingOptions(nodes=args.nodes, processes_per_node=args.processes_per_node, gpu_size=args.gpu_size,
                           compute=args.compute, low_priority=not args.dedicated,
                           max_nodes=max(2, args.nodes))


def _deployment(args):
    from ..azure.specs import DeploymentOptions

    return DeploymentOptions(endpoint=args.endpoint, slot=args.slot, instance_type=args.instance_type,
                             instance_count=args.instance_count)


def _client(args):
    """Workspace and credentials first, each failing fast with what is missing."""
    from ..azure.cloud import say
    from ..azure.workspace import get_credential, ml_client, resolve_workspace

    workspace = resolve_workspace(args.subscription, args.resource_group, args.workspace, args.config)
    say(f"using {workspace.describe()}")
    return ml_client(workspace, get_credential())


def run_specs(args) -> int:
    from ..azure.yaml_specs import stale_files, write_all

    if args.write:
        for path in write_all():
            print(f"wrote {path}")
        return 0
    stale = stale_files()
    for name in stale:
        print(f"azureml/{name} differs from the builders")
    print("azureml/ is current" if not stale else "run `coursekit azure specs --write` to regenerate it")
    return 1 if stale else 0


def run_plan(args) -> int:
    from ..azure.plan import build_plan

    plan = build_plan(_training(args), _deployment(args), export_dir=args.model_dir, data_file=args.data,
                      price_file=args.prices)
    print(plan.to_text(show_specs=not args.brief))
    return 0


def _checked_train_args(argv: list[str]) -> list[str]:
    """The extra `coursekit train` options for the job, checked here (before anything is uploaded)
    with the same parser the job will use, and written back from the settings they set."""
    from ..errors import ConfigError
    from ..options import to_cli_arguments, values_from_args
    from ..train.config import DataConfig, TrainConfig
    from .train_cmd import add_parser as add_train_parser

    if not argv:
        return []
    probe = argparse.ArgumentParser(prog="coursekit azure train --", add_help=False)
    add_train_parser(probe.add_subparsers(dest="command"))
    try:
        parsed = probe.parse_args(["train", "--output", "job-output", *argv])
    except SystemExit as exc:
        raise ConfigError(f"the `coursekit train` options after -- are not valid: {' '.join(argv)} "
                          "(see `coursekit train --help`)") from exc
    train = {k: v for k, v in values_from_args(parsed, TrainConfig).items() if k != "output_dir"}
    data = {k: v for k, v in values_from_args(parsed, DataConfig).items() if k != "data"}
    literal = ["--literal"] if parsed.literal else []
    return to_cli_arguments(data, DataConfig) + to_cli_arguments(train, TrainConfig) + literal


def run_train(args) -> int:
    from ..azure import cloud
    from ..profiles import shop_reviews_path

    options = _training(args)
    options.profile = args.job_tier
    options.data = args.data or str(shop_reviews_path())
    options.extra_args = _checked_train_args(args.train_args[1:] if args.train_args[:1] == ["--"] else
                                             list(args.train_args))
    job = cloud.submit_training(_client(args), options, stream=not args.no_stream)
    return 0 if args.no_stream or str(job.status).lower() == "completed" else 1


def run_deploy(args) -> int:
    """Cheap checks first: the folder, the workspace and the credentials, the workspace
    itself; only then the export (tens of seconds) when MODEL_DIR is not exported yet."""
    from ..azure import cloud
    from ..errors import CoursekitError
    from ..model_folder import CONFIG_FILE, ModelFolder
    from ..serving.local_server import resolve_export_dir

    try:
        export_dir = resolve_export_dir(args.model_dir, export_if_needed=False)
    except CoursekitError:
        folder = ModelFolder(args.model_dir)
        if not (folder.path / CONFIG_FILE).is_file():
            raise  # no such folder, or neither exported nor trained: says which
        folder.check_weights()  # its run card read and checked before anything is signed in to
        export_dir = None  # a trained model: exported below, once the cloud side is known to work
    client = _client(args)
    if export_dir is None:
        cloud.connect(client)
        export_dir = resolve_export_dir(args.model_dir)
    cloud.deploy(client, export_dir, _deployment(args), traffic=args.traffic)
    return 0


def run_invoke(args) -> int:
    from ..azure import cloud

    texts = list(args.text or []) or cloud.example_texts(args.file)
    result = cloud.invoke(_client(args), args.endpoint, texts, args.slot)
    print(json.dumps(result, indent=2))
    return 0


def run_logs(args) -> int:
    from ..azure import cloud

    client = _client(args)
    print(cloud.logs(client, args.endpoint, args.slot, args.lines, args.container))
    print(json.dumps(cloud.monitoring_summary(client, args.endpoint), indent=2))
    return 0


def run_delete(args) -> int:
    from ..azure import cloud

    client = _client(args)
    if not cloud.confirm(f"delete endpoint {args.endpoint!r} and all its deployments?", args.yes):
        print("not deleted")
        return 1
    cloud.delete(client, args.endpoint)
    return 0


def run_monitor(args) -> int:
    """The reference first (a local file: the cheapest check), then the workspace, then the cloud."""
    from ..azure.monitor_cloud import create_monitor
    from ..azure.monitor_specs import MonitorOptions
    from ..model_folder import ModelFolder
    from ..monitoring.reference import find_reference, read_reference
    from ..monitoring.served_scores import default_graph_fingerprint, with_served_scores

    path = find_reference(args.model_dir, "MODEL_DIR")
    served = default_graph_fingerprint(ModelFolder(path.parent).export_dir)  # the graph `azure deploy` ships
    profile = with_served_scores(read_reference(path, "MODEL_DIR"), path, served)
    print(profile["scored_by"].get("note") or f"reference scored by {profile['scored_by']['engine']}")
    options = MonitorOptions(endpoint=args.endpoint, slot=args.slot, emails=list(args.email))
    create_monitor(_client(args), profile, options)
    return 0

"""``coursekit runs``: the tracked training runs side by side (MLflow, issue 27)."""
from __future__ import annotations


def add_parser(subparsers) -> None:
    runs = subparsers.add_parser(
        "runs", help="list and compare the tracked training runs (MLflow)",
        description="Every `coursekit train` run is logged to MLflow: $MLFLOW_TRACKING_URI when set (an Azure ML "
                    "job: the workspace), else the local store RESULTS/mlruns. This lists them, newest first, with "
                    "method, learning rate, trainable parameters, training seconds and test scores. With full MLflow "
                    "installed, `mlflow ui --backend-store-uri RESULTS/mlruns` shows the same runs in a browser.")
    runs.add_argument("--store", metavar="URI", help="tracking store to read (default: $MLFLOW_TRACKING_URI, else "
                                                      "the local store RESULTS/mlruns)")
    runs.add_argument("--method", choices=("full", "lora", "head"), help="only the runs of one method")
    runs.add_argument("--best", action="store_true", help="one run per method: the one with the best test macro-F1")
    runs.add_argument("--limit", type=int, default=50, metavar="N", help="newest N runs (default 50)")
    runs.add_argument("--json", action="store_true", help="print the rows as JSON")
    runs.set_defaults(func=run_runs)


def run_runs(args) -> int:
    import json

    from ..errors import ConfigError
    from ..train.runs import best_by_method, list_runs, runs_table
    from ..train.tracking import tracking_uri

    if args.limit < 1:
        raise ConfigError(f"--limit must be at least 1, got {args.limit}")
    store = args.store or tracking_uri()
    rows = list_runs(store, method=args.method, limit=args.limit)
    if args.best:
        rows = list(best_by_method(rows).values())
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"runs in {store}:")
    print(runs_table(rows))
    return 0

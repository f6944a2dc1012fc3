"""``coursekit azure monitor``: register the reference profile's rows and create the daily monitor.

Guarded like the other cloud actions: the workspace and the credentials are checked first
(:func:`coursekit.commands.azure_cmd._client` fails in one line without them); the service's
errors become one line (:func:`.cloud.service_errors`).
"""
from __future__ import annotations

import tempfile

from . import monitor_specs
from .cloud import connect, say, service_errors, wait


def create_monitor(client, profile: dict, options: monitor_specs.MonitorOptions):
    """Upload the reference rows as an MLTable data asset, then create or update the schedule."""
    connect(client)
    with tempfile.TemporaryDirectory(prefix="coursekit-reference-") as tmp:
        folder = monitor_specs.reference_table(profile, tmp)
        with service_errors("registering the monitoring reference"):
            data = client.data.create_or_update(monitor_specs.reference_data_asset(folder))
    options.reference = f"azureml:{data.name}:{data.version}"
    say(f"reference {data.name}:{data.version} registered ({profile['rows']} validation rows)")
    schedule = monitor_specs.monitor_schedule(options)
    monitor_specs.validate_schedule(schedule)
    with service_errors(f"creating the monitor {options.name!r}"):
        created = wait(client.schedules.begin_create_or_update(schedule), f"monitor {options.name}")
    say(f"monitor {created.name!r} runs daily at {options.hour:02d}:{options.minute:02d} UTC on "
        f"{options.compute_size} (serverless Spark); results in Azure ML studio -> Monitoring")
    return created

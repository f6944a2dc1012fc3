"""List prices of the VM sizes the course uses, and an hourly cost estimate.

Azure ML bills compute clusters and managed online deployments at the price of the
virtual machines underneath (per instance, per hour, billed per minute); the service
itself adds no charge. Storage, Application Insights and the container registry cost
a few cents a day on top and are not in this table.

Prices change and differ by region, currency and agreement: treat these as an order of
magnitude and check the Azure pricing calculator before you spend. Replace the table
with your own (``coursekit azure plan --prices FILE``, JSON of the same shape).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import AzureSetupError

PRICE_TABLE = {
    "as_of": "2025-01",
    "currency": "USD",
    "region": "East US",
    "basis": "pay-as-you-go, Linux, per instance-hour; low-priority cluster nodes are billed at a lower, varying spot rate",
    "source": "Azure virtual machine list prices (azure.microsoft.com/pricing/details/virtual-machines/linux); "
              "re-check in the pricing calculator, they were not re-verified since the date above",
    "prices": {
        # size: (USD per hour, vCPUs, memory GiB, GPUs, GPU model)
        "Standard_DS2_v2": (0.146, 2, 7, 0, ""),
        "Standard_DS3_v2": (0.293, 4, 14, 0, ""),
        "Standard_F2s_v2": (0.085, 2, 4, 0, ""),
        "Standard_F4s_v2": (0.169, 4, 8, 0, ""),
        "Standard_D2as_v4": (0.096, 2, 8, 0, ""),
        "Standard_D4as_v4": (0.192, 4, 16, 0, ""),
        "Standard_E4s_v3": (0.252, 4, 32, 0, ""),  # serverless Spark of the monitor schedule
        "Standard_NC4as_T4_v3": (0.526, 4, 28, 1, "NVIDIA T4 16 GB"),
        "Standard_NC8as_T4_v3": (0.752, 8, 56, 1, "NVIDIA T4 16 GB"),
        "Standard_NC16as_T4_v3": (1.204, 16, 110, 1, "NVIDIA T4 16 GB"),
        "Standard_NC6s_v3": (3.06, 6, 112, 1, "NVIDIA V100 16 GB"),
        "Standard_NC24ads_A100_v4": (3.673, 24, 220, 1, "NVIDIA A100 80 GB"),
    },
}


@dataclass(frozen=True)
class VmPrice:
    size: str
    usd_per_hour: float
    vcpus: int
    memory_gib: float
    gpus: int
    gpu: str


def load_price_table(path: str | os.PathLike | None = None) -> dict:
    """The built-in table, or one read from a JSON file with the same keys."""
    if path is None:
        return PRICE_TABLE
    path = Path(path)
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: bad JSON, or bytes that are not UTF-8
        raise AzureSetupError(f"--prices {path}: cannot read the price table ({exc})") from exc
    if not isinstance(table, dict):
        raise AzureSetupError(f"--prices {path}: expected a JSON object like the built-in table (as_of, currency, "
                              "prices)")
    missing = {"as_of", "currency", "prices"} - set(table)
    if missing:
        raise AzureSetupError(f"--prices {path}: price table lacks {', '.join(sorted(missing))}")
    if not isinstance(table["prices"], dict):
        raise AzureSetupError(f"--prices {path}: 'prices' must map each VM size to its price entry")
    for size in table["prices"]:
        try:
            price = vm_price(size, table)
        except (TypeError, ValueError) as exc:
            raise AzureSetupError(f"--prices {path}: price of {size!r} is not [USD per hour, vCPUs, memory GiB, "
                                  "GPUs, GPU model] or an object with those fields") from exc
        rate = price.usd_per_hour
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < float("inf"):
            raise AzureSetupError(f"--prices {path}: price of {size!r} must be a number of USD per hour, "
                                  f"got {rate!r}")
    return table


def vm_price(size: str, table: dict | None = None) -> VmPrice:
    """The price entry for ``size``; an error lists the sizes the table knows."""
    table = table or PRICE_TABLE
    entry = table["prices"].get(size)
    if entry is None:
        known = ", ".join(sorted(table["prices"]))
        raise AzureSetupError(f"no list price for instance type {size!r} in the price table ({known}); "
                              "add it with --prices FILE")
    return VmPrice(size, *entry) if isinstance(entry, (list, tuple)) else VmPrice(size, **entry)


@dataclass(frozen=True)
class CostLine:
    item: str
    size: str
    instances: int
    usd_per_hour: float

    @property
    def total_per_hour(self) -> float:
        return round(self.usd_per_hour * self.instances, 4)


def estimate(lines: list[tuple[str, str, int]], table: dict | None = None) -> list[CostLine]:
    """Cost lines for ``(item, instance type, instance count)`` tuples."""
    return [CostLine(item, size, count, vm_price(size, table).usd_per_hour) for item, size, count in lines]


def format_cost_table(lines: list[CostLine], table: dict | None = None) -> str:
    """A fixed-width table with totals and the date and basis of the prices."""
    table = table or PRICE_TABLE
    cur = table["currency"]
    rows = [("item", "instance type", "count", f"{cur}/h each", f"{cur}/h total")]
    rows += [(l.item, l.size, str(l.instances), f"{l.usd_per_hour:.3f}", f"{l.total_per_hour:.3f}") for l in lines]
    total = sum(l.total_per_hour for l in lines)
    rows.append(("total while everything runs", "", "", "", f"{total:.3f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    text = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    text.insert(1, "  ".join("-" * w for w in widths))
    text.append(f"List prices as of {table['as_of']} ({table.get('region', '?')}; {table.get('basis', '')}).")
    text.append(f"Source: {table.get('source', 'user-supplied table')}.")
    text.append(f"An endpoint bills every hour it exists (about {cur} {24 * sum(l.total_per_hour for l in lines if 'endpoint' in l.item):.2f}"
                " a day here): `coursekit azure delete` when you are done.")
    return "\n".join(text)

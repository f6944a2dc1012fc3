"""The statistics behind the drift signals (numpy and scipy only)."""
from __future__ import annotations

import numpy as np

EPS = 1e-4  # an empty bin counts as this share, so the logarithm stays finite


def quantile_edges(reference, bins: int = 10) -> np.ndarray:
    """Bin edges at the reference's quantiles (ties merged), open at both ends."""
    reference = np.asarray(reference, dtype=float)
    inner = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    return np.concatenate([[-np.inf], inner, [np.inf]])


def shares(values, edges) -> np.ndarray:
    counts, _ = np.histogram(np.asarray(values, dtype=float), bins=edges)
    return counts / max(counts.sum(), 1)


def psi(reference, current, bins: int = 10) -> float:
    """Population stability index: sum of (cur - ref) * ln(cur / ref) over the reference's
    decile bins. Below 0.1 the usual reading is "stable", above 0.2 "shifted"."""
    edges = quantile_edges(reference, bins)
    ref, cur = np.maximum(shares(reference, edges), EPS), np.maximum(shares(current, edges), EPS)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def ks_test(reference, current) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov test: (statistic, p-value)."""
    from scipy.stats import ks_2samp

    result = ks_2samp(np.asarray(reference, dtype=float), np.asarray(current, dtype=float))
    return float(result.statistic), float(result.pvalue)


def proportion_test(successes_a: float, n_a: float, successes_b: float, n_b: float) -> tuple[float, float]:
    """Two-proportion z-test: (difference b - a, two-sided p-value)."""
    from scipy.stats import norm

    if n_a <= 0 or n_b <= 0:
        return float("nan"), float("nan")
    p_a, p_b = successes_a / n_a, successes_b / n_b
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return float(p_b - p_a), 1.0 if p_a == p_b else 0.0
    return float(p_b - p_a), float(2 * norm.sf(abs((p_b - p_a) / se)))


def percentiles(values, points=(50, 90, 99)) -> dict:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        return {f"p{p}": None for p in points}
    return {f"p{p}": round(float(v), 3) for p, v in zip(points, np.percentile(values, points))}


def per_minute(times) -> list[list]:
    """[[minute start (epoch s), requests], ...] for every minute from the first to the last request."""
    times = np.asarray(times, dtype=float)
    if not len(times):
        return []
    minutes = np.floor(times / 60).astype(np.int64)
    first = minutes.min()
    counts = np.bincount(minutes - first)
    return [[int((first + i) * 60), int(c)] for i, c in enumerate(counts)]

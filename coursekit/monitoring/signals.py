"""Each monitoring signal with its threshold: traffic, latency, errors, prediction and data drift.

A drift signal alerts only when the change is both **large** (its size threshold: PSI,
share shift, rate increase) and **unlikely to be chance** (p-value under ``p_value``):
with a few dozen requests a large PSI is often noise, with a million a tiny shift is
"significant" but harmless. Fewer than ``min_texts`` scored texts: no drift verdict.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from ..serving.score_features import words_of
from . import stats

THRESHOLDS = {
    "min_texts": 30,  # below this, no drift verdict (nor a latency one: a p99 of a few requests means nothing)
    "p_value": 0.01,  # a drift must be this unlikely under "no change"
    "score_psi": 0.2,  # prediction drift: PSI of P(positive) against the validation split
    "positive_share_shift": 0.15,  # prediction drift: change of the predicted-positive share
    "length_psi": 0.2,  # data drift: PSI of the text length (characters)
    "unknown_rate_increase": 0.01,  # data drift: more [UNK] word pieces per word piece
    "oov_rate_increase": 0.10,  # data drift: more words the training data never had
    "latency_p99_ms": 250.0,  # operations: run()'s own time, 99th percentile
    "error_rate": 0.01,  # operations: share of requests answered 5xx
}


def _verdict(name: str, value, limit, p_value=None, enough: bool = True, p_limit: float = 0.01, **details) -> dict:
    alert = bool(enough and value is not None and np.isfinite(value) and abs(value) > limit
                 and (p_value is None or p_value < p_limit))
    out = {"signal": name, "value": None if value is None else round(float(value), 5), "threshold": limit,
           "alert": alert, **details}
    if p_value is not None:
        out["p_value"] = float(f"{p_value:.3g}")
    if not enough:
        out["note"] = "too few texts for a verdict"
    return out


def operations(requests, t: dict) -> dict:
    ok = requests.status == 200
    n = len(requests)
    server_errors = int(np.sum(requests.status >= 500))
    rate = server_errors / n if n else 0.0
    latency = stats.percentiles(requests.latency_ms[ok])
    return {
        "requests": n, "texts": int(len(requests.item_time)), "models": requests.models,
        "per_minute": stats.per_minute(requests.time),
        "latency_ms": latency, "status_counts": {str(k): int(v) for k, v in Counter(requests.status.tolist()).items()},
        "client_error_rate": round(float(np.sum((requests.status >= 400) & (requests.status < 500)) / n), 5) if n else 0,
        "signals": [_verdict("latency p99 (ms)", latency["p99"], t["latency_p99_ms"],
                             enough=int(ok.sum()) >= t["min_texts"]),
                    _verdict("server error rate", rate, t["error_rate"], errors=server_errors)],
    }


def prediction_drift(requests, reference: dict, t: dict) -> dict:
    ref = np.asarray(reference["data"]["p_positive"], dtype=float)
    cur = requests.items["p_positive"]
    cur = cur[np.isfinite(cur)]
    enough = len(cur) >= t["min_texts"]
    if not len(cur):
        return {"texts": 0, "signals": [], "note": "no scored texts in the logs"}
    threshold = reference.get("threshold", 0.5)
    ks, p = stats.ks_test(ref, cur)
    shift, p_share = stats.proportion_test(np.sum(ref >= threshold), len(ref), np.sum(cur >= threshold), len(cur))
    return {
        "texts": int(len(cur)), "positive_share": {"reference": round(float(np.mean(ref >= threshold)), 4),
                                                   "current": round(float(np.mean(cur >= threshold)), 4)},
        "score_quantiles": {"reference": np.quantile(ref, [0.1, 0.5, 0.9]).round(4).tolist(),
                            "current": np.quantile(cur, [0.1, 0.5, 0.9]).round(4).tolist()},
        "signals": [_verdict("score PSI", stats.psi(ref, cur), t["score_psi"], p, enough, t["p_value"],
                             ks_statistic=round(ks, 4)),
                    _verdict("positive-share shift", shift, t["positive_share_shift"], p_share, enough, t["p_value"])],
    }


def data_drift(requests, reference: dict, t: dict) -> dict:
    ref = reference["data"]
    chars = requests.items["chars"]
    chars = chars[np.isfinite(chars)]
    enough = len(chars) >= t["min_texts"]
    if not len(chars):
        return {"texts": 0, "signals": [], "note": "no derived features in the logs"}
    ks, p = stats.ks_test(ref["chars"], chars)
    pieces, unk = requests.items["pieces"], requests.items["unk"]
    ref_pieces, ref_unk = float(np.sum(ref["pieces"])), float(np.sum(ref["unk"]))
    rise, p_unk = stats.proportion_test(ref_unk, ref_pieces, np.nansum(unk), np.nansum(pieces))
    signals = [_verdict("length PSI (characters)", stats.psi(ref["chars"], chars), t["length_psi"], p, enough,
                        t["p_value"], ks_statistic=round(ks, 4)),
               _verdict("unknown-token rate increase", rise, t["unknown_rate_increase"], p_unk, enough and rise > 0,
                        t["p_value"])]
    out = {"texts": int(len(chars)),
           "length_chars": {"reference": stats.percentiles(ref["chars"]), "current": stats.percentiles(chars)},
           "unknown_rate": {"reference": round(ref_unk / max(ref_pieces, 1), 5),
                            "current": round(float(np.nansum(unk) / max(np.nansum(pieces), 1)), 5)}}
    vocabulary = _vocabulary(requests.texts, reference, t)
    out["vocabulary"] = vocabulary
    if "signal" in vocabulary:
        signals.append(vocabulary.pop("signal"))
    out["signals"] = signals
    return out


def _vocabulary(texts: list[str], reference: dict, t: dict) -> dict:
    known = reference.get("vocabulary", {}).get("words") or {}
    base = reference.get("vocabulary", {}).get("validation_oov_rate")
    if not texts:
        return {"note": "not measured: the logs hold no texts (collected with the texts kept out)"}
    if not known or base is None:
        return {"note": "not measured: the reference profile has no training vocabulary"}
    words = [w for text in texts for w in words_of(text)]
    new = Counter(w for w in words if w not in known)
    oov = sum(new.values())
    ref_words = max(1, int(reference["rows"] * np.mean(reference["data"]["words"])))
    rise, p = stats.proportion_test(base * ref_words, ref_words, oov, len(words))
    return {"texts_sampled": len(texts), "oov_rate": {"reference": base, "current": round(oov / max(len(words), 1), 5)},
            "top_new_words": new.most_common(15),
            "signal": _verdict("out-of-vocabulary rate increase", rise, t["oov_rate_increase"], p,
                               len(texts) >= t["min_texts"] and rise > 0, t["p_value"])}


def monitor(requests, reference: dict, thresholds: dict | None = None) -> dict:
    """Every signal of ``requests`` against ``reference``; ``alert`` is True when any signal alerts."""
    t = {**THRESHOLDS, **(thresholds or {})}
    report = {"thresholds": t, "operations": operations(requests, t),
              "prediction_drift": prediction_drift(requests, reference, t),
              "data_drift": data_drift(requests, reference, t)}
    alerts = [s["signal"] for part in ("operations", "prediction_drift", "data_drift")
              for s in report[part].get("signals", []) if s["alert"]]
    report["alerts"] = alerts
    report["alert"] = bool(alerts)
    return report

"""Issue 28: the monitor compares the traffic with the reference as scored by the graph that served it.

Training scores the reference with PyTorch; `coursekit serve` answers with the int8 graph by default.
The monitor finds that graph by the fingerprint in the logs, scores the reference's validation
reviews with it once, keeps the scores in the reference file, and says which engine scored it; when
the graph cannot be found it compares with PyTorch's scores and says so, naming --export.
"""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from coursekit.cli import main
from coursekit.model_folder import INT8_NAME
from coursekit.monitoring.reference import REFERENCE_NAME
from coursekit.monitoring.served_scores import default_graph_fingerprint
from coursekit.serving.local_server import free_port, start_server
from coursekit.serving.score_model import OnnxSentimentClassifier
from coursekit.serving.settings import DEFAULT_SETTINGS
from coursekit.train.pipeline import raw_splits_from_run_card

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tiny_model, tmp_path_factory):
    """A copy of the tiny model with its PyTorch-scored reference, exported (int8 served by default),
    and the logs of its test split sent through `coursekit serve`'s server with collection on."""
    root = tmp_path_factory.mktemp("engines")
    model = root / "model"
    shutil.copytree(tiny_model, model)
    assert main(["monitor", "--write-reference", str(model)]) == 0
    assert main(["export", str(model), "--no-report"]) == 0
    logs = root / "logs"
    splits = raw_splits_from_run_card(model)
    settings = DEFAULT_SETTINGS.with_changes(workers=1, http_threads=2)
    with start_server(model / "onnx", port=free_port(), settings=settings, collect_dir=logs,
                      log_path=root / "serve.log", env={"HOME": str(root)}) as server:
        status, body = server.score({"texts": list(splits["test"]["text"])})
        assert status == 200, body
    return {"model": model, "logs": logs, "root": root, "validation": list(splits["validation"]["text"])}


def _monitor(served, out, *extra) -> dict:
    main(["monitor", str(served["logs"]), "--reference", str(served["model"]), "--output", str(out), *extra])
    return json.loads((out / "monitor.json").read_text())


def test_the_reference_is_scored_by_the_graph_that_served(served, tmp_path, capsys):
    graph = OnnxSentimentClassifier(served["model"] / "onnx")  # what `serve` runs by default
    assert graph.model_file == INT8_NAME
    assert default_graph_fingerprint(served["model"] / "onnx") == graph.fingerprint  # what `azure monitor` registers
    expected = [a["probabilities"]["POSITIVE"] for a in graph.predict(served["validation"])]
    pytorch = json.loads((served["model"] / REFERENCE_NAME).read_text())["data"]["p_positive"]
    assert not np.allclose(pytorch, expected, atol=1e-5)  # the engines differ: the point of the fix

    report = _monitor(served, tmp_path / "first")
    assert "reference scored by the serving graph model.int8.onnx" in capsys.readouterr().out
    assert report["prediction_drift"]["reference_scored_by"] == {"engine": INT8_NAME, "fingerprint": graph.fingerprint}
    assert report["prediction_drift"]["score_quantiles"]["reference"] == \
        np.quantile(expected, [0.1, 0.5, 0.9]).round(4).tolist()
    saved = json.loads((served["model"] / REFERENCE_NAME).read_text())
    assert saved["data"]["p_positive"] == pytorch  # PyTorch's scores stay; the graph's sit beside them
    np.testing.assert_allclose(saved["scores_by_model"][graph.fingerprint]["p_positive"], expected, atol=1e-5)

    again = _monitor(served, tmp_path / "again")  # read from the reference file, not scored again
    assert again["prediction_drift"]["score_quantiles"] == report["prediction_drift"]["score_quantiles"]


def test_an_export_elsewhere_is_named_with_export(served, tmp_path, capsys):
    model = tmp_path / "model"
    shutil.copytree(served["model"], model)
    moved = shutil.move(str(model / "onnx"), str(tmp_path / "elsewhere"))
    profile = json.loads((model / REFERENCE_NAME).read_text())
    profile.pop("scores_by_model", None)
    (model / REFERENCE_NAME).write_text(json.dumps(profile))
    here = {**served, "model": model}

    report = _monitor(here, tmp_path / "unfound")
    scored_by = report["prediction_drift"]["reference_scored_by"]
    assert scored_by["engine"] == "pytorch" and "--export DIR" in scored_by["note"]
    assert "note: the reference was scored by PyTorch" in capsys.readouterr().out

    report = _monitor(here, tmp_path / "found", "--export", moved)
    assert report["prediction_drift"]["reference_scored_by"]["engine"] == INT8_NAME

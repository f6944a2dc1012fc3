"""Issue 28 end to end: serve the model with collection on, send an unshifted and a shifted stream,
and `coursekit monitor` raises the drift alert only for the shifted one."""
from __future__ import annotations

import json

import pytest

from shop_slice import export_texts
from coursekit.cli import main
from coursekit.monitoring import build_reference, write_reference
from coursekit.serving.local_server import free_port, start_server
from coursekit.serving.score_model import OnnxSentimentClassifier
from coursekit.serving.settings import DEFAULT_SETTINGS

pytestmark = pytest.mark.slow


def _send(server, texts, per_request=8):
    for i in range(0, len(texts), per_request):
        status, body = server.score({"texts": texts[i:i + per_request]})
        assert status == 200, body


def test_monitor_alerts_on_the_shifted_stream_only(offline_export, tmp_path, capsys):
    exported = offline_export
    texts = export_texts(1000)[0]  # the shipped export's first 1,000 usable reviews
    reference_texts, normal = texts[:300], texts[300:500]
    shifted = sorted(texts[500:], key=len)[-150:]  # a burst of long reviews: what a new product page brings

    served = OnnxSentimentClassifier(exported)  # the graph the server runs: the reference's scores
    scores = [p["probabilities"]["POSITIVE"] for p in served.predict(reference_texts)]
    model_dir = tmp_path / "model"
    write_reference(model_dir, build_reference(served.prepare(reference_texts), scores, served.tokenizer,
                                               max_length=served.max_length,
                                               vocabulary_texts=served.prepare(texts[300:])))
    settings = DEFAULT_SETTINGS.with_changes(workers=1, http_threads=2)
    verdicts = {}
    for name, stream in (("normal", normal), ("shifted", shifted)):
        logs = tmp_path / f"logs-{name}"
        with start_server(exported, port=free_port(), settings=settings, collect_dir=logs,
                          log_path=tmp_path / f"{name}.log", env={"HOME": str(tmp_path)}) as server:
            _send(server, stream)
        code = main(["monitor", str(logs), "--reference", str(model_dir), "--output", str(tmp_path / name),
                     "--threshold", "latency_p99_ms=60000"])  # drift is under test, not this machine's load
        capsys.readouterr()
        report = json.loads((tmp_path / name / "monitor.json").read_text())
        assert report["operations"]["requests"] == -(-len(stream) // 8)
        assert report["operations"]["texts"] == len(stream)
        verdicts[name] = (code, report["alerts"])
    assert verdicts["normal"] == (0, []), verdicts
    assert verdicts["shifted"][0] == 1 and "length PSI (characters)" in verdicts["shifted"][1], verdicts

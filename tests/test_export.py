"""ONNX export, int8 quantization and the parity report: the offline MiniLM (BERT, three inputs)
and a tiny random DistilBERT (two inputs, the full tier's architecture)."""
from __future__ import annotations

import io
import json
import shutil
import time

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import deploy_support
from coursekit.errors import ExportError
from coursekit.export import (FP32_NAME, INT8_NAME, MANIFEST_NAME, StepProgress, compare_logits, export_onnx,
                              format_parity_table, parity_report, read_manifest)
from coursekit.export.latency import measure_in_process, time_engines_isolated

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def model_dir(offline_classifier):
    return offline_classifier


@pytest.fixture(scope="session")
def exported(offline_export):
    return offline_export


@pytest.fixture(scope="session")
def distilbert_dir(tmp_path_factory):
    """A 2-layer random DistilBertForSequenceClassification with the MiniLM tokenizer's vocabulary."""
    import torch
    from transformers import AutoTokenizer, DistilBertConfig, DistilBertForSequenceClassification

    from coursekit.labels import ID2LABEL, LABEL2ID
    from coursekit.profiles import offline_model_path

    folder = tmp_path_factory.mktemp("distilbert")
    tokenizer = AutoTokenizer.from_pretrained(offline_model_path())
    tokenizer.model_input_names = ["input_ids", "attention_mask"]  # as distilbert-base-uncased's tokenizer
    torch.manual_seed(0)
    config = DistilBertConfig(vocab_size=tokenizer.vocab_size, dim=32, hidden_dim=64, n_layers=2, n_heads=2,
                              max_position_embeddings=128, num_labels=2, id2label=ID2LABEL, label2id=LABEL2ID)
    DistilBertForSequenceClassification(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def distilbert_export(distilbert_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("distilbert-onnx")
    export_onnx(distilbert_dir, out, max_length=48)
    return out


@pytest.fixture(scope="session")
def report(model_dir, exported):
    texts, labels = deploy_support.sample_texts(40)
    return parity_report(model_dir, exported, texts, labels, data_name="shop reviews",
                         batch_sizes=(1, 4), seq_len=64, repeats=3, threads=1, isolate=False)


def _graph_inputs(path):
    model = onnx.load(str(path), load_external_data=False)
    assert [t.name for t in model.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL] == []
    return {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in model.graph.input}


def _op_counts(path):
    from collections import Counter

    return Counter(n.op_type for n in onnx.load(str(path), load_external_data=False).graph.node)


def _weight_products(path) -> list[str]:
    """The names of the graph's MatMul nodes that multiply by a weight (the products int8 quantizes);
    an unfused attention's two products of activations are left out."""
    graph = onnx.load(str(path), load_external_data=False).graph
    weights = {init.name for init in graph.initializer}
    return [n.name for n in graph.node if n.op_type == "MatMul" and any(i in weights for i in n.input)]


# ONNX Runtime 1.32 and later fuse Transformers 5's attention; Python 3.10's newest, 1.23, does not (it fuses
# the layer norms and GELU only, and the export says why: coursekit.export.graph.unfused_attention_note).
ORT_FUSES_ATTENTION = tuple(int(p) for p in ort.__version__.split(".")[:2]) >= (1, 32)
UNFUSED_NOTE = "does not recognise Transformers 5's attention mask"


def _expected_fusions(layers: int) -> dict[str, int]:
    if ORT_FUSES_ATTENTION:
        return {"EmbedLayerNormalization": 1, "Attention": layers, "SkipLayerNormalization": 2 * layers,
                "BiasGelu": layers}
    return {"SkipLayerNormalization": 2 * layers, "BiasGelu": layers}


def test_export_writes_one_self_contained_graph_with_dynamic_axes(exported):
    assert sorted(p.name for p in exported.iterdir()) == sorted(
        [FP32_NAME, INT8_NAME, MANIFEST_NAME, "tokenizer.json", "tokenizer_config.json"])
    inputs = _graph_inputs(exported / FP32_NAME)
    assert set(inputs) == {"input_ids", "attention_mask", "token_type_ids"}  # BERT's three inputs
    for dims in inputs.values():
        assert all(isinstance(d, str) and d for d in dims), dims  # batch and sequence are symbolic
    out = onnx.load(str(exported / FP32_NAME), load_external_data=False).graph.output[0]
    assert out.name == "logits" and out.type.tensor_type.shape.dim[1].dim_value == 2


def test_bert_graph_is_fused_and_int8_keeps_the_fusions(exported):
    manifest = read_manifest(exported)
    assert manifest["fusion"]["applied"] is True and manifest["fusion"]["ops"] == _expected_fusions(6)
    fp32, int8 = _op_counts(exported / FP32_NAME), _op_counts(exported / INT8_NAME)
    assert manifest["quantization"]["kept_fp32"] == []  # by default every product is quantized
    assert _weight_products(exported / INT8_NAME) == []
    assert int8["MatMulInteger"] == len(_weight_products(exported / FP32_NAME)) + fp32["Gemm"]
    if ORT_FUSES_ATTENTION:
        assert fp32["Attention"] == 6 and fp32["Softmax"] == 0  # no unfused attention left
        # optimized first, quantized second: attention and embedding run as integer kernels
        assert int8["QAttention"] == 6 and int8["QEmbedLayerNormalization"] == 1 and int8["Attention"] == 0
        assert int8["MatMul"] == 0 and manifest["quantization"]["ops"]["QAttention"] == 6
        assert "note" not in manifest["fusion"]
    else:  # unfused attention: its two products of activations per layer stay fp32 MatMuls
        assert fp32["Softmax"] == 6 and int8["QAttention"] == 0 and int8["MatMul"] == 12
        assert UNFUSED_NOTE in manifest["fusion"]["note"] and ort.__version__ in manifest["fusion"]["note"]


def test_manifest_describes_the_export(exported):
    manifest = read_manifest(exported)
    assert manifest["labels"] == ["NEGATIVE", "POSITIVE"]
    assert manifest["max_length"] == 64 and manifest["clean_text"] is True
    assert manifest["files"] == {"fp32": FP32_NAME, "int8": INT8_NAME} and manifest["serve"] == "int8"
    assert manifest["export_check"]["max_abs_logit_diff"] < 1e-4
    assert manifest["inputs"] == ["input_ids", "attention_mask", "token_type_ids"]


def test_int8_copy_is_much_smaller(exported):
    fp32, int8 = (exported / FP32_NAME).stat().st_size, (exported / INT8_NAME).stat().st_size
    assert int8 < 0.45 * fp32


def test_graph_runs_any_batch_length_and_padding_side(exported, model_dir):
    import onnxruntime as ort
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(exported)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    session = ort.InferenceSession(str(exported / FP32_NAME), providers=["CPUExecutionProvider"])
    for side, texts in (("right", ["ok"]), ("right", ["a much longer review " * 5, "short", "mid length one"]),
                        ("left", ["a much longer review " * 5, "short"])):
        tok.padding_side = side  # the fused attention takes the raw mask, so holes anywhere are fine
        enc = tok(texts, padding=True, return_tensors="np")
        got = session.run(["logits"], {k: v.astype(np.int64) for k, v in enc.items()})[0]
        with torch.inference_mode():
            want = model(**{k: torch.from_numpy(v) for k, v in enc.items()}).logits.numpy()
        assert got.shape == (len(texts), 2)
        assert np.abs(got - want).max() < 1e-4, side


def test_distilbert_exports_two_inputs_with_the_same_fusions(distilbert_export, distilbert_dir):
    inputs = _graph_inputs(distilbert_export / FP32_NAME)
    assert list(inputs) == ["input_ids", "attention_mask"]  # no token_type_ids in DistilBERT
    manifest = read_manifest(distilbert_export)
    assert manifest["inputs"] == ["input_ids", "attention_mask"] and manifest["model_type"] == "distilbert"
    assert manifest["fusion"]["ops"] == _expected_fusions(2)
    assert manifest["max_length"] == 48 and manifest["export_check"]["max_abs_logit_diff"] < 1e-4
    int8 = _op_counts(distilbert_export / INT8_NAME)
    assert int8["QAttention"] == (2 if ORT_FUSES_ATTENTION else 0) and _weight_products(distilbert_export / INT8_NAME) == []


def test_distilbert_export_is_served_by_the_scoring_script(distilbert_export, distilbert_dir):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from coursekit.serving.score import OnnxSentimentClassifier

    from coursekit.data import clean_text

    texts = ["Works great, would buy again!", "broke after a day"]
    served = OnnxSentimentClassifier(distilbert_export, model_file=FP32_NAME)
    assert served.clean and served.input_names == ["input_ids", "attention_mask"]
    # the scoring script cleans requests as training cleaned its data: compare on the cleaned texts
    enc = AutoTokenizer.from_pretrained(distilbert_dir)([clean_text(t) for t in texts], padding=True,
                                                         return_tensors="pt")
    with torch.inference_mode():
        want = AutoModelForSequenceClassification.from_pretrained(distilbert_dir)(**enc).logits.numpy()
    assert np.abs(served.logits(texts) - want).max() < 1e-4


def test_parity_report_on_real_reviews(report):
    engines = report["engines"]
    assert set(engines) == {"pytorch", "onnx_fp32", "onnx_int8"}
    assert engines["onnx_fp32"]["max_abs_logit_diff"] < 1e-4
    assert engines["onnx_fp32"]["agreement"] == 1.0
    assert 0 < engines["onnx_int8"]["max_abs_logit_diff"] < 0.1  # quantized: close, not equal
    assert engines["onnx_int8"]["agreement"] >= 0.9
    assert engines["onnx_int8"]["file_mb"] < engines["onnx_fp32"]["file_mb"]
    assert engines["pytorch"]["accuracy"] == pytest.approx(engines["onnx_fp32"]["accuracy"])
    for name in engines:
        for batch in ("1", "4"):
            timing = report["latency_ms"][name][batch]
            assert timing["runs"] == 3 and 0 < timing["min_ms"] <= timing["p50_ms"] <= timing["p90_ms"]
    assert set(report["speedup_vs_pytorch"]) == {"onnx_fp32", "onnx_int8"}
    assert report["fusion"]["int8"].get("QAttention") == (6 if ORT_FUSES_ATTENTION else None)
    assert (UNFUSED_NOTE in report["fusion"].get("note", "")) is not ORT_FUSES_ATTENTION
    assert "uptime" in report["machine"]["before"] or report["machine"]["before"]["load_average_1m"] is None
    assert isinstance(report["contention"], list)  # the signs of a busy machine (tests/test_export_contention.py)
    json.dumps(report)  # serialisable as parity.json


def test_parity_table_names_every_engine_and_explains_the_timing(report):
    table = format_parity_table(report)
    flat = " ".join(table.split())  # the explanation is wrapped
    for label in ("PyTorch eager", "ONNX Runtime fp32", "ONNX Runtime int8", "b1 p50 ms", "b4 speedup",
                  "spinning off", "fused operators (int8): ", "QAttention 6" if ORT_FUSES_ATTENTION else UNFUSED_NOTE,
                  "busy-wait for the next run", "second thread"):
        assert label in flat, label
    assert "40 texts from shop reviews" in table and "in one process" in table


def test_each_engine_is_timed_in_its_own_process(distilbert_dir, distilbert_export):
    from transformers import AutoTokenizer

    from coursekit.export.parity import engine_files, latency_batch

    tok = AutoTokenizer.from_pretrained(distilbert_export)
    batches = {1: latency_batch(tok, ["fine"], 1, 16), 2: latency_batch(tok, ["fine", "bad"], 2, 16)}
    files = engine_files(distilbert_dir, distilbert_export)
    del files["pytorch"]  # its worker is covered by the CLI test; ORT workers start in a second
    files["onnx_int8_spin"] = (*files["onnx_int8"], {"spinning": True})
    announced = io.StringIO()
    timed = time_engines_isolated(files, batches, runs=3, rounds=2, threads=1,
                                  progress=StepProgress(6, stream=announced, bar=False))
    assert set(timed) == {"onnx_fp32", "onnx_int8", "onnx_int8_spin"}
    for by_batch in timed.values():
        assert set(by_batch) == {"1", "2"}
        for summary in by_batch.values():
            assert summary["runs"] == 6 and len(summary["round_p50_ms"]) == 2 and summary["p50_ms"] > 0
            assert summary["cpu_p50_ms"] >= 0
    started = [line.split("] ")[1] for line in announced.getvalue().splitlines() if line.endswith("...")]
    # the engines take turns, the order rotating between rounds
    assert started == ["timing onnx_fp32 (round 1/2) ...", "timing onnx_int8 (round 1/2) ...",
                       "timing onnx_int8_spin (round 1/2) ...", "timing onnx_int8 (round 2/2) ...",
                       "timing onnx_int8_spin (round 2/2) ...", "timing onnx_fp32 (round 2/2) ..."]


def test_per_engine_settings_reach_the_worker(monkeypatch):
    from coursekit.export import latency
    from coursekit.export.runners import session_options

    seen = []

    def fake_worker(work, name, kind, path, npz, runs, warmup, *, threads, spinning):
        seen.append((name, threads, spinning))
        return {"1": {"wall": [0.002, 0.001], "cpu": [0.001, 0.001]}}

    monkeypatch.setattr(latency, "_run_worker", fake_worker)
    batches = {1: {"input_ids": np.ones((1, 4), np.int64)}}
    timed = latency.time_engines_isolated(
        {"a": ("ort", "a.onnx"), "b": ("ort", "b.onnx", {"spinning": True})}, batches, runs=2, threads=2)
    assert seen == [("a", 2, False), ("b", 2, True)]  # off by default, as the scoring service has it
    assert timed["a"]["1"]["p50_ms"] == pytest.approx(1.5) and timed["a"]["1"]["cpu_p50_ms"] == pytest.approx(1.0)
    assert session_options(2).get_session_config_entry("session.intra_op.allow_spinning") == "0"
    with pytest.raises(RuntimeError, match="allow_spinning"):  # not set: ORT's default (spinning) applies
        session_options(2, spinning=True).get_session_config_entry("session.intra_op.allow_spinning")
    assert session_options(2).intra_op_num_threads == 2


def test_worker_failure_is_named(tmp_path):
    batches = {1: {"input_ids": np.ones((1, 4), np.int64), "attention_mask": np.ones((1, 4), np.int64)}}
    with pytest.raises(ExportError, match="timing onnx_fp32 .*failed"):
        time_engines_isolated({"onnx_fp32": ("ort", tmp_path / "missing.onnx")}, batches, runs=1)


def test_in_process_timing_counts_every_run():
    calls = []
    result = measure_in_process({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                                repeats=4, warmup=1)
    assert calls == ["a"] * 5 + ["b"] * 5  # one engine after the other, never interleaved
    assert result["a"]["runs"] == 4 and result["b"]["p50_ms"] >= 0


def test_step_progress_numbers_steps_and_keeps_a_heartbeat():
    stream = io.StringIO()
    progress = StepProgress(2, prefix="job", stream=stream, bar=False, heartbeat_s=0.02)
    with progress.step("first"):
        deadline = time.monotonic() + 10
        while "still first" not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    with progress.step("second"):
        pass
    lines = stream.getvalue().splitlines()
    assert lines[0] == "job: [1/2] first ..."
    assert any(line.startswith("job:       still first (") for line in lines)
    assert lines[-2] == "job: [2/2] second ..." and lines[-1].startswith("job: [2/2] second: done in ")


def test_compare_logits():
    a = np.array([[0.0, 1.0], [2.0, 0.0], [0.1, 0.2]])
    b = np.array([[0.0, 1.5], [2.0, 0.0], [0.3, 0.2]])
    result = compare_logits(a, b)
    assert result["max_abs_logit_diff"] == pytest.approx(0.5)
    assert result["agreement"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="shapes differ"):
        compare_logits(a, b[:2])


def test_parity_batches_by_length_and_keeps_the_texts_order(distilbert_dir):
    from transformers import AutoTokenizer

    from coursekit.export.parity import _batched_logits

    class LengthRunner:  # logits that name the text: [its token count, the batch's padded width]
        widths = []

        def logits(self, batch):
            tokens = batch["attention_mask"].sum(axis=1)
            self.widths.append(batch["input_ids"].shape[1])
            return np.stack([tokens, np.full_like(tokens, batch["input_ids"].shape[1])], axis=1).astype(np.float32)

    tokenizer = AutoTokenizer.from_pretrained(distilbert_dir)
    texts = ["a " * n for n in (40, 1, 25, 3, 40, 2, 30, 1)]
    runner = LengthRunner()
    logits = _batched_logits(runner, tokenizer, texts, max_length=64, batch_size=3)
    alone = [int(tokenizer(t)["attention_mask"].count(1)) for t in texts]
    assert logits[:, 0].tolist() == alone  # every row is its own text's, in the given order
    assert sorted(runner.widths) == runner.widths and runner.widths[0] < 10  # short texts batched together
    assert _batched_logits(runner, tokenizer, [], max_length=64).shape == (0, 2)


@pytest.mark.parametrize("problem, make", [
    ("no such model folder", lambda d: d / "missing"),
    ("config.json is missing", lambda d: (d.mkdir(), d)[1]),
])
def test_bad_model_folder_is_named_and_leaves_output_alone(tmp_path, problem, make):
    out = tmp_path / "out"
    out.mkdir()
    (out / "export.json").write_text('{"keep": true}')
    with pytest.raises(ExportError, match=problem) as info:
        export_onnx(make(tmp_path / "src"), out, max_length=32)
    assert str(tmp_path / "src") in str(info.value)
    assert (out / "export.json").read_text() == '{"keep": true}'
    assert [p.name for p in out.iterdir()] == ["export.json"]


def test_missing_tokenizer_is_reported(tmp_path, distilbert_dir):
    broken = tmp_path / "no-tokenizer"
    shutil.copytree(distilbert_dir, broken)
    (broken / "tokenizer.json").unlink()
    with pytest.raises(ExportError, match="tokenizer.json is missing"):
        export_onnx(broken, tmp_path / "out", max_length=32)


def test_cli_exports_distilbert_with_progress_and_parity(tmp_path, distilbert_dir, capsys):
    from coursekit.cli import main

    out = tmp_path / "onnx"
    rc = main(["export", str(distilbert_dir), "--output", str(out), "--max-length", "32", "--limit", "12",
               "--benchmark", "--repeats", "2", "--batch-sizes", "1,2", "--seq-len", "32", "--threads", "1"])
    captured = capsys.readouterr()
    assert rc == 0
    assert "ONNX Runtime fp32" in captured.out and "ONNX Runtime int8" in captured.out
    assert "inputs: input_ids, attention_mask (dynamic batch and sequence axes)" in captured.out
    assert ("Attention 2" if ORT_FUSES_ATTENTION else UNFUSED_NOTE) in captured.out
    # not a terminal: one numbered line per step on stderr, each step announced
    steps = [line for line in captured.err.splitlines() if line.endswith("...")]
    assert [s.split("] ", 1)[1] for s in steps] == [
        f"loading {distilbert_dir.name} ...", "exporting to ONNX ...", "fusing for ONNX Runtime ...",
        "quantizing to int8 ...", "checking parity on 12 texts ...", "timing pytorch ...",
        "timing onnx_fp32 ...", "timing onnx_int8 ..."]
    assert steps[0].startswith("coursekit export: [1/8]")
    assert "kept in fp32" not in captured.out  # by default every product is quantized
    parity = json.loads((out / "parity.json").read_text())
    assert parity["n_texts"] == 12 and parity["data"] == "womens_clothing_reviews.csv.gz (test split)"
    assert parity["engines"]["onnx_fp32"]["agreement"] == 1.0
    assert parity["timing"] == "each engine alone in its own process" and parity["ort_spinning"] is False
    assert read_manifest(out)["max_length"] == 32


def test_cli_export_checks_parity_but_times_only_with_benchmark(tmp_path, distilbert_dir, capsys):
    """Issue 23 item 6: `coursekit export` exports and checks parity; the latency table is opt-in. A
    re-export without the report removes the parity report of the model it replaced (issue 24 item 5)."""
    from coursekit.cli import main

    out = tmp_path / "onnx"
    assert main(["export", str(distilbert_dir), "--output", str(out), "--max-length", "16", "--limit", "6"]) == 0
    captured = capsys.readouterr()
    steps = [line.split("] ", 1)[1] for line in captured.err.splitlines() if line.endswith("...")]
    assert steps[-1] == "checking parity on 6 texts ..." and not any("timing" in s for s in steps)
    assert "ONNX Runtime int8" in captured.out and "p50" not in captured.out and "speedup" not in captured.out
    parity = json.loads((out / "parity.json").read_text())
    assert parity["latency_ms"] == {"pytorch": {}, "onnx_fp32": {}, "onnx_int8": {}} and "not timed" in parity["timing"]
    assert main(["export", str(distilbert_dir), "--output", str(out), "--max-length", "16", "--no-report"]) == 0
    assert not (out / "parity.json").exists()  # the old report described the export this one replaced


def test_cli_export_without_int8_or_report(tmp_path, distilbert_dir, capsys):
    from coursekit.cli import main

    out = tmp_path / "onnx"
    assert main(["export", str(distilbert_dir), "--output", str(out), "--no-int8", "--no-report",
                 "--max-length", "16"]) == 0
    assert "[3/3] fusing for ONNX Runtime: done" in capsys.readouterr().err
    assert (out / FP32_NAME).exists() and not (out / INT8_NAME).exists() and not (out / "parity.json").exists()


@pytest.mark.parametrize("args, problem", [
    (["--no-report"], "no such model folder"),
    (["--benchmark", "--rounds", "0"], "--rounds must be at least 1"),
    (["--benchmark", "--spinning", "--rounds", "-2"], "--rounds must be at least 1"),
    (["--spinning"], "--spinning sets how engines are timed, which export does only with --benchmark"),
    (["--int8-outlier-ratio", "-1"], "--int8-outlier-ratio must be 0 (quantize every product) or more"),
])
def test_cli_export_error_is_one_line(tmp_path, capsys, distilbert_dir, args, problem):
    from coursekit.cli import main

    folder = tmp_path / "nothing" if "no such" in problem else distilbert_dir
    assert main(["export", str(folder), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("coursekit export: error:") and problem in err and "\n" not in err


def test_outlier_inputs_are_measured_and_their_products_kept_in_fp32(model_dir, exported):
    """A feed-forward unit with a huge bias gives layer 0's output projection one input far beyond the rest:
    that product (and only products with such inputs) is chosen to stay fp32."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from coursekit.export.outliers import input_outlier_ratios, products_to_keep_fp32

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, attn_implementation="eager").eval()
    texts = deploy_support.sample_texts(24)[0]
    before = input_outlier_ratios(model, tokenizer, texts)
    target = "bert.encoder.layer.0.output.dense"
    assert set(before) >= {target, "bert.encoder.layer.5.intermediate.dense", "classifier"}
    with torch.no_grad():
        model.bert.encoder.layer[0].intermediate.dense.bias[7] += 200.0  # one unit far beyond the others
    after = input_outlier_ratios(model, tokenizer, texts)
    assert after[target] > 5 * before[target] and after[target] > 20
    keep = products_to_keep_fp32(model, tokenizer, exported / FP32_NAME, texts=texts)  # the same model's graph
    assert "/bert/encoder/layer.0/output/dense/MatMul" in keep["nodes"]
    assert all(keep["input_peak_ratios"][n] > keep["ratio"] for n in keep["nodes"])
    everything = products_to_keep_fp32(model, tokenizer, exported / FP32_NAME, texts=texts, ratio=0)
    assert set(everything["nodes"]) == set(everything["input_peak_ratios"]) and len(everything["nodes"]) >= 12


def test_export_with_an_outlier_ratio_keeps_those_products_fp32(distilbert_dir, tmp_path):
    out = tmp_path / "export"
    export_onnx(distilbert_dir, out, max_length=32, int8_outlier_ratio=1.5)  # a low bar: several products kept
    quantization = read_manifest(out)["quantization"]
    kept = quantization["kept_fp32"]
    assert quantization["outlier_ratio"] == 1.5 and kept
    assert all(quantization["input_peak_ratios"][n] > 1.5 for n in kept)
    assert sorted(_weight_products(out / INT8_NAME)) == sorted(kept)


def test_int8_copy_leaves_the_chosen_products_in_fp32(exported, tmp_path):
    from coursekit.export import quantize_int8

    node = "/bert/encoder/layer.0/output/dense/MatMul"
    result = quantize_int8(exported / FP32_NAME, tmp_path / "int8.onnx", keep_fp32=[node])
    graph = onnx.load(str(tmp_path / "int8.onnx"), load_external_data=False).graph
    assert [n.op_type for n in graph.node if n.name == node] == ["MatMul"]
    assert result["kept_fp32"] == [node] and _weight_products(tmp_path / "int8.onnx") == [node]
    assert result["ops"]["MatMul"] == 1 + (0 if ORT_FUSES_ATTENTION else 12)  # + unfused attention's products


def test_onnx_names_of_linear_layers():
    from coursekit.export.outliers import onnx_matmul_name

    assert onnx_matmul_name("bert.encoder.layer.0.output.dense") == "/bert/encoder/layer.0/output/dense/MatMul"
    assert onnx_matmul_name("distilbert.transformer.layer.11.ffn.lin2") == \
        "/distilbert/transformer/layer.11/ffn/lin2/MatMul"
    assert onnx_matmul_name("classifier") == "/classifier/MatMul"

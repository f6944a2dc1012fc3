"""ONNX export, int8 quantization and the parity report, on the offline MiniLM classifier."""
from __future__ import annotations

import json
import shutil

import numpy as np
import onnx
import pytest

import deploy_support
from coursekit.errors import ExportError
from coursekit.export import (FP32_NAME, INT8_NAME, MANIFEST_NAME, compare_logits, export_onnx,
                              format_parity_table, parity_report, read_manifest)
from coursekit.export.latency import measure_interleaved

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    return deploy_support.classifier_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    return deploy_support.export_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def report(model_dir, exported):
    texts, labels = deploy_support.sample_texts(40)
    return parity_report(model_dir, exported, texts, labels, data_name="sample reviews",
                         batch_sizes=(1, 4), seq_len=64, repeats=3, threads=1)


def test_export_writes_one_self_contained_graph_with_dynamic_axes(exported):
    assert sorted(p.name for p in exported.iterdir()) == sorted(
        [FP32_NAME, INT8_NAME, MANIFEST_NAME, "tokenizer.json", "tokenizer_config.json"])
    model = onnx.load(str(exported / FP32_NAME), load_external_data=False)
    external = [t.name for t in model.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
    assert external == []  # no model.onnx.data next to it
    inputs = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in model.graph.input}
    assert set(inputs) == {"input_ids", "attention_mask", "token_type_ids"}  # BERT's three inputs
    for dims in inputs.values():
        assert all(isinstance(d, str) and d for d in dims), dims  # batch and sequence are symbolic
    out = model.graph.output[0]
    assert out.name == "logits" and out.type.tensor_type.shape.dim[1].dim_value == 2


def test_manifest_describes_the_export(exported):
    manifest = read_manifest(exported)
    assert manifest["labels"] == ["NEGATIVE", "POSITIVE"]
    assert manifest["max_length"] == 64 and manifest["clean_text"] is True
    assert manifest["files"] == {"fp32": FP32_NAME, "int8": INT8_NAME} and manifest["serve"] == "int8"
    assert manifest["export_check"]["max_abs_logit_diff"] < 1e-4
    assert manifest["fusion"]["applied"] is True and manifest["fusion"]["ops"].get("attention") == 6


def test_int8_copy_is_much_smaller(exported):
    fp32, int8 = (exported / FP32_NAME).stat().st_size, (exported / INT8_NAME).stat().st_size
    assert int8 < 0.45 * fp32


def test_graph_runs_any_batch_and_length(exported, model_dir):
    import onnxruntime as ort
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(exported)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    session = ort.InferenceSession(str(exported / FP32_NAME), providers=["CPUExecutionProvider"])
    for texts in (["ok"], ["a much longer review " * 5, "short", "mid length review here"]):
        enc = tok(texts, padding=True, return_tensors="np")
        got = session.run(["logits"], {k: v.astype(np.int64) for k, v in enc.items()})[0]
        with torch.inference_mode():
            want = model(**{k: torch.from_numpy(v) for k, v in enc.items()}).logits.numpy()
        assert got.shape == (len(texts), 2)
        assert np.abs(got - want).max() < 1e-4


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
            assert timing["runs"] == 3 and 0 < timing["p50_ms"] <= timing["p90_ms"]
    assert set(report["speedup_vs_pytorch"]) == {"onnx_fp32", "onnx_int8"}
    json.dumps(report)  # serialisable as parity.json


def test_parity_table_names_every_engine(report):
    table = format_parity_table(report)
    for label in ("PyTorch eager", "ONNX Runtime fp32", "ONNX Runtime int8", "b1 p50 ms", "b4 speedup"):
        assert label in table
    assert "40 texts from sample reviews" in table


def test_compare_logits():
    a = np.array([[0.0, 1.0], [2.0, 0.0], [0.1, 0.2]])
    b = np.array([[0.0, 1.5], [2.0, 0.0], [0.3, 0.2]])
    result = compare_logits(a, b)
    assert result["max_abs_logit_diff"] == pytest.approx(0.5)
    assert result["agreement"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="shapes differ"):
        compare_logits(a, b[:2])


def test_interleaved_latency_counts_every_run():
    calls = []
    result = measure_interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                                 repeats=4, warmup=1)
    assert calls == ["a", "b"] + ["a", "b"] * 4
    assert result["a"]["runs"] == 4 and result["b"]["p50_ms"] >= 0


@pytest.mark.parametrize("problem, make", [
    ("no such model folder", lambda d: d / "missing"),
    ("config.json is missing", lambda d: (d.mkdir(), d)[1]),
])
def test_bad_model_folder_is_named_and_leaves_output_alone(tmp_path, problem, make):
    out = tmp_path / "out"
    out.mkdir()
    (out / "export.json").write_text('{"keep": true}')
    with pytest.raises(ExportError, match=problem) as info:
        export_onnx(make(tmp_path / "src"), out)
    assert str(tmp_path / "src") in str(info.value)
    assert (out / "export.json").read_text() == '{"keep": true}'
    assert [p.name for p in out.iterdir()] == ["export.json"]


def test_missing_tokenizer_is_reported(tmp_path, model_dir):
    broken = tmp_path / "no-tokenizer"
    shutil.copytree(model_dir, broken)
    (broken / "tokenizer.json").unlink()
    with pytest.raises(ExportError, match="tokenizer.json is missing"):
        export_onnx(broken, tmp_path / "out")


def test_cli_export_reports_parity(tmp_path, model_dir, capsys):
    from coursekit.cli import main

    out = tmp_path / "onnx"
    rc = main(["export", str(model_dir), "--output", str(out), "--max-length", "32", "--no-int8",
               "--limit", "12", "--repeats", "2", "--batch-sizes", "1,2", "--seq-len", "32", "--threads", "1"])
    printed = capsys.readouterr().out
    assert rc == 0
    assert "ONNX Runtime fp32" in printed and "ONNX Runtime int8" not in printed
    parity = json.loads((out / "parity.json").read_text())
    assert parity["n_texts"] == 12 and parity["data"] == "sample_reviews.csv (test split)"
    assert parity["engines"]["onnx_fp32"]["agreement"] == 1.0
    assert not (out / INT8_NAME).exists()


def test_cli_export_error_is_one_line(tmp_path, capsys):
    from coursekit.cli import main

    assert main(["export", str(tmp_path / "nothing"), "--no-report"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("coursekit export: error:") and "no such model folder" in err and "\n" not in err

"""The exported classifier as the scoring script runs it: ONNX Runtime and ``tokenizers``.

Part of the endpoint's code folder (``coursekit/serving``): imports nothing from
``coursekit``, no torch, no transformers. Cleans and tokenizes like training did, runs
the graph, returns labels and probabilities, and the derived features the monitor reads.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

try:  # imported as coursekit.serving.score_model, or from the endpoint's code folder
    from .score_features import special_token_ids, text_features
    from .score_text import cleaning_of, clean_text
except ImportError:  # pragma: no cover - the layout on the endpoint
    from score_features import special_token_ids, text_features
    from score_text import cleaning_of, clean_text

MANIFEST_NAME = "export.json"
logger = logging.getLogger("coursekit.score")


def find_export_dir(root: str | os.PathLike) -> Path:
    """The folder holding ``export.json``: ``root`` itself or one folder below it.

    Azure ML mounts a registered folder *inside* ``AZUREML_MODEL_DIR``, under the
    folder's own name; locally the server is pointed at the folder directly.
    """
    root = Path(root)
    if (root / MANIFEST_NAME).is_file():
        return root
    below = sorted(p.parent for p in root.glob(f"*/{MANIFEST_NAME}"))
    if len(below) == 1:
        return below[0]
    if not root.is_dir():
        raise FileNotFoundError(f"model folder {root} does not exist")
    if below:
        raise FileNotFoundError(f"{root} holds several exported models ({', '.join(p.name for p in below)}); "
                                "point AZUREML_MODEL_DIR at one of them")
    raise FileNotFoundError(f"no {MANIFEST_NAME} in {root} or its sub-folders: export the model first "
                            "(coursekit export MODEL_DIR --output DIR)")


def file_fingerprint(path: Path) -> str:
    """The first 16 hex digits of the file's SHA-256: which model answered, in every log line."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


class OnnxSentimentClassifier:
    """Clean and tokenize like training did, run the ONNX graph, return labels and probabilities."""

    def __init__(self, export_dir: str | os.PathLike, model_file: str | None = None, threads: int | None = None):
        self.export_dir = Path(export_dir)
        self.manifest = json.loads((self.export_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        files = self.manifest["files"]
        self.model_file = model_file or files.get(self.manifest.get("serve", "fp32"), files["fp32"])
        if not (self.export_dir / self.model_file).is_file():
            raise FileNotFoundError(f"{self.export_dir / self.model_file} does not exist "
                                    f"(files in the export: {', '.join(files.values())})")
        self.labels = list(self.manifest["labels"])
        self.cleaning = cleaning_of(self.export_dir, self.manifest)
        self.clean = self.cleaning is not None
        self.session = self._session(threads)
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.tokenizer = Tokenizer.from_file(str(self.export_dir / "tokenizer.json"))
        self.tokenizer.enable_padding(pad_id=int(self.manifest.get("pad_token_id", 0)),
                                      pad_type_id=int(self.manifest.get("pad_token_type_id", 0)),
                                      pad_token=self.manifest.get("pad_token", "[PAD]"))
        self.unk_id, self.special_ids = special_token_ids(self.tokenizer)
        self.exported_max_length = int(self.manifest["max_length"])
        self.max_length = self.usable_length(self.exported_max_length)
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.fingerprint = file_fingerprint(self.export_dir / self.model_file)
        self.description = {"file": self.model_file, "labels": self.labels, "max_length": self.max_length,
                            "source": self.manifest.get("source_model", ""), "cleans_text": self.clean,
                            "fingerprint": self.fingerprint}

    def _session(self, threads: int | None):
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-waiting between requests
        if threads:
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
        return ort.InferenceSession(str(self.export_dir / self.model_file), options,
                                    providers=["CPUExecutionProvider"])

    def usable_length(self, wanted: int) -> int:
        """``wanted``, or the longest input the graph accepts when that is less (an export made
        with a max length above the model's position limit must not answer 500): the
        manifest's ``max_position_embeddings`` when it has one, else found by trying."""
        limit = self.manifest.get("max_position_embeddings")
        if isinstance(limit, int) and 2 <= limit < wanted:
            wanted = limit
        if self._runs(wanted):
            return wanted
        works, fails = 2, wanted
        if not self._runs(works):
            raise RuntimeError(f"{self.model_file} does not run even on a 2-token input")
        while fails - works > 1:  # the largest length that runs: ~log2(wanted) tries, at start-up only
            middle = (works + fails) // 2
            works, fails = (middle, fails) if self._runs(middle) else (works, middle)
        logger.warning("export.json says max_length %d, but the model takes at most %d tokens: texts are cut "
                       "at %d (re-export with --max-length %d)", self.exported_max_length, works, works, works)
        return works

    def _runs(self, length: int) -> bool:
        ones = np.ones((1, length), dtype=np.int64)
        feeds = {"input_ids": ones, "attention_mask": ones, "token_type_ids": np.zeros_like(ones)}
        try:
            self.session.run(None, {name: feeds[name] for name in self.input_names})
        except Exception:  # noqa: BLE001 - ONNX Runtime's errors for an index out of range vary by kernel
            return False
        return True

    def prepare(self, texts: list[str]) -> list[str]:
        """The texts as the model sees them (cleaned the way training cleaned them)."""
        return [clean_text(t, self.cleaning) for t in texts] if self.clean else list(texts)

    def encode(self, texts: list[str], prepared: bool = False) -> dict[str, np.ndarray]:
        """int64 arrays for every graph input, padded to the longest text in the batch."""
        return self._arrays(self.tokenizer.encode_batch(texts if prepared else self.prepare(texts)))

    def _arrays(self, encodings) -> dict[str, np.ndarray]:
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return {name: arrays[name] for name in self.input_names}

    def logits(self, texts: list[str], prepared: bool = False) -> np.ndarray:
        return self.session.run(["logits"], self.encode(texts, prepared))[0]

    def predict(self, texts: list[str], prepared: bool = False, features: list | None = None) -> list[dict]:
        """One ``{"label", "score", "probabilities"}`` dict per text; when a list is given as
        ``features``, each text's derived features (:mod:`.score_features`) are appended to it."""
        prepared_texts = texts if prepared else self.prepare(texts)
        encodings = self.tokenizer.encode_batch(prepared_texts)
        logits = self.session.run(["logits"], self._arrays(encodings))[0].astype(np.float64)
        if features is not None:
            features.extend(text_features(t, e, self.unk_id, self.special_ids)
                            for t, e in zip(prepared_texts, encodings))
        shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
        probs = shifted / shifted.sum(axis=-1, keepdims=True)
        out = []
        for row in probs:
            best = int(row.argmax())
            out.append({
                "label": self.labels[best],
                "score": round(float(row[best]), 6),
                "probabilities": {label: round(float(p), 6) for label, p in zip(self.labels, row)},
            })
        return out

    def describe(self) -> dict:
        return dict(self.description)

"""Stage 5 of the pipeline: export the fine-tuned classifier to ONNX Runtime (fp32 and int8)
and check that the exported model is the same model, only faster.

Modules: :mod:`.onnx_export` (the steps, and :func:`export_trained_model` for a model folder),
:mod:`.source` (the model being exported), :mod:`.graph` (trace, fuse, check logits),
:mod:`.quantize` and :mod:`.outliers` (the int8 copy), :mod:`.manifest` (``export.json`` and
moving an export into place), :mod:`.runners`, :mod:`.parity`, :mod:`.parity_table` and
:mod:`.latency` (the parity check and the opt-in timing).
"""
from ..progress import NoProgress, StepProgress
from .manifest import FP32_NAME, INT8_NAME, MANIFEST_NAME, PARITY_NAME, is_export_dir, read_manifest
from .onnx_export import ExportResult, check_model_dir, export_onnx, export_trained_model
from .parity import compare_logits, parity_report
from .parity_table import format_parity_table
from .quantize import quantize_int8

__all__ = ["export_onnx", "export_trained_model", "ExportResult", "check_model_dir", "quantize_int8",
           "parity_report", "format_parity_table", "compare_logits", "is_export_dir", "read_manifest",
           "StepProgress", "NoProgress", "FP32_NAME", "INT8_NAME", "MANIFEST_NAME", "PARITY_NAME"]

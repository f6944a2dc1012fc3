"""Stage 5 of the pipeline: export the fine-tuned classifier to ONNX Runtime (fp32 and int8)
and check that the exported model is the same model, only faster."""
from .manifest import FP32_NAME, INT8_NAME, MANIFEST_NAME, PARITY_NAME, is_export_dir, read_manifest
from .onnx_export import ExportResult, check_model_dir, export_onnx
from .parity import compare_logits, parity_report
from .parity_table import format_parity_table
from .quantize import quantize_int8
from .steps import NoProgress, StepProgress

__all__ = ["export_onnx", "ExportResult", "check_model_dir", "quantize_int8", "parity_report",
           "format_parity_table", "compare_logits", "is_export_dir", "read_manifest", "StepProgress",
           "NoProgress", "FP32_NAME", "INT8_NAME", "MANIFEST_NAME", "PARITY_NAME"]

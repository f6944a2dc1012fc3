"""The model folder: the contract between training and every later stage.

``coursekit train`` (and lesson 02) write it; evaluation, export, serving, Azure and the
lessons read it, through :class:`ModelFolder`::

    MODEL/
      config.json, model.safetensors, tokenizer.json ...   the model (save_pretrained)
      metrics.json                                           test scores and the training history
      coursekit.json                                         the run card (:mod:`.card`)
      README.md                                              the model card (:mod:`.model_card`)
      adapter/                                               a LoRA run's adapter alone (``--method lora``)
      checkpoints/                                           the best and the last epoch
      onnx/                                                  the export (:mod:`.exports`)

It sits below training in the import order (training writes through it, later stages read
through it) and imports only :mod:`coursekit.data` and the foundation modules.
"""
from .card import (MAX_RUN_CARD_BYTES, RUN_CARD_FILE, RunCard, cleaning_config, read_run_card,
                   write_run_card)
from .exports import (EXPORT_FOLDER, FP32_NAME, INT8_NAME, MANIFEST_NAME, PARITY_NAME, SOURCE_KEY, is_export_dir,
                      read_manifest)
from .fingerprints import data_fingerprint, file_fingerprint, model_fingerprint
from .folder import (CHECKPOINTS_FOLDER, CONFIG_FILE, FOREIGN_MAX_LENGTH, FOREIGN_TIER, MODEL_MARKERS,
                     ModelFolder)
from .history import METRICS_FILE, history_from_log, load_history
from .model_card import CARD_FILE, card_summary, copy_model_card, refresh_model_card, write_model_card

__all__ = ["ModelFolder", "RunCard", "read_run_card", "write_run_card", "cleaning_config", "RUN_CARD_FILE",
           "MAX_RUN_CARD_BYTES", "METRICS_FILE", "CONFIG_FILE", "CHECKPOINTS_FOLDER", "MODEL_MARKERS",
           "FOREIGN_MAX_LENGTH", "FOREIGN_TIER", "EXPORT_FOLDER", "MANIFEST_NAME", "FP32_NAME", "INT8_NAME",
           "PARITY_NAME", "SOURCE_KEY", "is_export_dir", "read_manifest", "history_from_log", "load_history",
           "file_fingerprint", "model_fingerprint", "data_fingerprint", "CARD_FILE", "card_summary", "copy_model_card",
           "refresh_model_card", "write_model_card"]

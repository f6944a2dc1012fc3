"""Grading a folder of submissions: scores from the key (never from the file), late flags,
reflection word counts and rubric mentions, a per-question summary, bad files skipped."""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil

import pytest
from quiz_support import QUIZ_DIR, correct_answers, reflection, wrong_answers

from coursekit.cli import main
from coursekit.quiz.gradebook import grade_submissions, write_gradebook
from coursekit.quiz.schema import load_quizzes
from coursekit.quiz.submissions import mark_submitted, record_answers

DUE = dt.datetime(2026, 12, 15, 23, 59, tzinfo=dt.timezone.utc)
EARLY, LATE = DUE - dt.timedelta(days=1), DUE + dt.timedelta(hours=2)


@pytest.fixture(scope="module")
def key():
    return load_quizzes(QUIZ_DIR)


@pytest.fixture()
def batch(tmp_path, key):
    """A class folder as an LMS download gives it: one folder per student, some bad files."""
    root = tmp_path / "submissions"
    p1, p2 = key["part1"], key["part2"]

    def save(student, quiz, answers, when, submit=True):
        folder = root / student
        record_answers(quiz, student, answers, folder, now=when - dt.timedelta(minutes=30))
        if submit:
            mark_submitted(quiz.id, student, folder, now=when)
        return folder / f"{student}__{quiz.id}.json"

    save("alice", p1, correct_answers(p1), EARLY)
    save("alice", p2, {**correct_answers(p2), "reflection": reflection(200)}, EARLY)
    bob = save("bob", p1, wrong_answers(p1), LATE)
    data = json.loads(bob.read_text())  # bob claims full marks in his file
    data["score"] = 8
    for entry in data["history"]:
        entry["shown_score"] = "Score: 8 / 8"
    bob.write_text(json.dumps(data))
    save("carol", p1, {"benefit": "a", "deploy-runtime": "b", "label-names": True}, EARLY, submit=False)

    bad = root / "bad"
    bad.mkdir()
    (bad / "truncated.json").write_text('{"format": "coursekit-submission/1", "student_id": "dan", "ans')
    (bad / "missing_field.json").write_text(json.dumps({"format": "coursekit-submission/1", "student_id": "eve", "quiz_id": "part1", "answers": {}}))
    unknown = json.loads(bob.read_text()) | {"student_id": "fay", "quiz_id": "part9"}
    (bad / "unknown_quiz.json").write_text(json.dumps(unknown))
    old = json.loads(bob.read_text()) | {"student_id": "gus", "quiz_version": "0"}
    (bad / "old_version.json").write_text(json.dumps(old))
    dup = json.loads((root / "alice" / "alice__part1.json").read_text()) | {"student_id": "ALICE", "answers": {}}
    (root / "zz_resubmitted").mkdir()
    (root / "zz_resubmitted" / "alice__part1.json").write_text(json.dumps(dup))
    return root


def test_batch_with_broken_files(batch, key):
    book = grade_submissions(batch, key, due=DUE)
    problems = {p.path.name: p.message for p in book.problems}
    assert set(problems) == {"truncated.json", "missing_field.json", "unknown_quiz.json",
                             "old_version.json", "alice__part1.json"}
    assert "not valid JSON" in problems["truncated.json"]
    assert "field 'quiz_version': required field is missing" in problems["missing_field.json"]
    assert "unknown quiz 'part9'" in problems["unknown_quiz.json"]
    assert "version '0' does not match the key's version '1'" in problems["old_version.json"]
    assert "duplicate" in problems["alice__part1.json"] and "alice/alice__part1.json" in problems["alice__part1.json"]
    assert all(p.skipped for p in book.problems)
    assert [row["student_id"] for row in book.rows] == ["alice", "bob", "carol"]

    alice, bob, carol = book.row("alice"), book.row("bob"), book.row("carol")
    assert alice["part1:auto_score"] == "8" and alice["part1:benefit"] == "1"
    assert alice["part1:application"] == "3"
    assert alice["part1:application:justifications"].startswith("legal-summarization: it fits this task well")
    assert alice["part1:late"] == "no" and alice["part1:status"] == "submitted"
    assert alice["part2:auto_score"] == "6" and alice["total_auto"] == "14" and alice["total_auto_max"] == "21"
    assert alice["part2:reflection"] == ""  # left for the instructor
    assert alice["part2:reflection:words"] == 200 and alice["part2:reflection:in_range"] == "yes"
    assert alice["part2:reflection:rubric_mentioned"] == "metrics;overfitting;bias;context"
    assert alice["part2:reflection:review"] == "manual" and alice["manual_review"] == "part2:reflection"
    assert alice["part3:status"] == "missing"

    assert bob["part1:auto_score"] == "0"  # his stored "score" is ignored
    assert bob["part1:late"] == "yes" and bob["part2:status"] == "missing"
    assert carol["part1:auto_score"] == "1" and carol["part1:deploy-runtime"] == "0"
    assert carol["part1:status"] == "saved, not submitted" and carol["part1:late"] == "no"


def test_per_question_summary(batch, key):
    book = grade_submissions(batch, key)
    rows = {(r["quiz"], r["question"]): r for r in book.summary}
    benefit = rows[("part1", "benefit")]
    assert benefit["graded"] == 3 and benefit["answered"] == 3 and benefit["share_correct"] == "0.67"
    assert benefit["most_common_wrong"] == "b) It removes the need for labelled data. (1)"
    labels = rows[("part1", "label-names")]
    assert labels["share_correct"] == "0.33" and labels["most_common_wrong"] == "True (2)"
    assert rows[("part1", "application")]["most_common_wrong"].endswith("(1)")
    reflection_row = rows[("part2", "reflection")]
    assert reflection_row["mean_words"] == "200" and reflection_row["share_in_range"] == "1.00"
    assert "overfitting 1/1" in reflection_row["rubric_coverage"] and "compute 0/1" in reflection_row["rubric_coverage"]
    assert book.row("alice")["part1:late"] == ""  # no due date given, none in the key


def test_cli_grade_writes_gradebook_and_summary(batch, tmp_path, capsys):
    out = tmp_path / "gradebook.csv"
    assert main(["quiz", "grade", str(batch), "--key", str(QUIZ_DIR), "--out", str(out), "--due", "2026-12-15"]) == 0
    captured = capsys.readouterr()
    assert "graded 4 submission(s) from 3 student(s); 5 file(s) skipped" in captured.out
    assert "part1:benefit: correct 0.67" in captured.out
    assert captured.err.count("skipped: ") == 5 and "truncated.json" in captured.err
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["student_id"] for r in rows] == ["alice", "bob", "carol"]
    assert rows[1]["part1:late"] == "yes" and rows[0]["part1:late"] == "no"
    assert (tmp_path / "gradebook_summary.csv").exists()


def test_nothing_gradable_leaves_the_old_gradebook(tmp_path, capsys):
    out = tmp_path / "gradebook.csv"
    out.write_text("student_id\nkept\n")
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "junk.json").write_text("not json")
    assert main(["quiz", "grade", str(tmp_path / "subs"), "--key", str(QUIZ_DIR), "--out", str(out)]) == 2
    assert "no submission could be graded" in capsys.readouterr().err
    assert out.read_text() == "student_id\nkept\n"


def test_a_student_copy_is_refused_as_key(batch, tmp_path):
    from coursekit.errors import QuizError
    from coursekit.quiz.release import release_quizzes

    student = tmp_path / "student"
    instructor = tmp_path / "instructor"
    shutil.copytree(QUIZ_DIR, instructor)
    release_quizzes(instructor, student)
    with pytest.raises(QuizError, match="cannot serve as the answer key"):
        grade_submissions(batch, student)


def test_write_gradebook_paths(batch, key, tmp_path):
    book = grade_submissions(batch, key)
    out, summary = write_gradebook(book, tmp_path / "g.csv", tmp_path / "s.csv")
    assert out.read_text().splitlines()[0].startswith("student_id,part1:benefit,")
    assert summary.read_text().splitlines()[0] == ",".join(book.summary_columns)


def test_student_text_cannot_become_a_spreadsheet_formula(tmp_path, key):
    p1 = key["part1"]
    answers = {"application": {"legal-summarization": {"choice": "bert", "justification": "=HYPERLINK(\"http://x\") legal"}}}
    record_answers(p1, "=cmd|' /C calc'!A0", answers, tmp_path / "subs")
    out, _ = write_gradebook(grade_submissions(tmp_path / "subs", key), tmp_path / "g.csv")
    with out.open() as handle:
        row = next(csv.DictReader(handle))
    assert row["student_id"] == "'=cmd|' /C calc'!A0"
    assert row["part1:application:justifications"].startswith("legal-summarization: =HYPERLINK")

"""Manual work survives regrading: scores live in their own file, the gradebook is never
replaced by one that holds less, and the previous one is kept and compared."""
from __future__ import annotations

import csv
import datetime as dt

import pytest
from quiz_support import QUIZ_DIR, correct_answers, course_points, hand_in, reflection

from coursekit.cli import main
from coursekit.quiz.gradebook import grade_submissions
from coursekit.quiz.gradebook.tables import read_manual
from coursekit.quiz.quizfile import load_quizzes
from coursekit.errors import TableError

WHEN = dt.datetime(2026, 12, 1, 12, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def key():
    return load_quizzes(QUIZ_DIR)


@pytest.fixture()
def subs(tmp_path, key):
    root = tmp_path / "subs"
    for student in ("ann", "ben", "cat"):
        answers = correct_answers(key["part2"]) | {"reflection": reflection(190)}
        hand_in(root, key["part2"], student, answers, WHEN)
    hand_in(root, key["part1"], "ann", correct_answers(key["part1"]), WHEN)
    return root


def _rows(path):
    with open(path, newline="") as handle:
        return {r["student_id"]: r for r in csv.DictReader(handle)}


def _grade(*args):
    return main(["quiz", "grade", *map(str, args), "--key", str(QUIZ_DIR)])


def test_manual_scores_count_in_the_totals_and_survive_a_regrade(tmp_path, subs, key, capsys):
    manual = tmp_path / "manual.csv"
    manual.write_text("student_id,question,points,comment\nann,part2:reflection,3.5,Clear on bias.\n"
                      "ben,part2:reflection,,Comment only so far.\n")
    before = manual.read_bytes()
    out = tmp_path / "gradebook.csv"
    assert _grade(subs, "--out", out, "--manual", manual) == 0
    rows = _rows(out)
    ann, ben = rows["ann"], rows["ben"]
    assert ann["part2:reflection"] == "3.5" and ann["part2:reflection:review"] == "scored"
    assert ann["part2:manual_score"] == "3.5" and ann["part2:total"] == "10.5" and ann["part2:max"] == "11"
    assert ann["total"] == "17.5" and ann["total_max"] == course_points(key) and ann["manual_review"] == ""
    assert f"reflection: scored without a text_hash ({manual}: line 2): it counts for whatever text is graded" \
        in ann["part2:notes"]  # typed by hand: the export-reflections template pins a score to its text
    assert ben["part2:reflection"] == "" and ben["manual_review"] == "part2:reflection"
    assert "2 student(s) have reflections without manual points" in capsys.readouterr().out
    assert _grade(subs, "--out", out, "--manual", manual) == 0  # a regrade: same scores, the file untouched
    assert _rows(out)["ann"]["part2:reflection"] == "3.5" and manual.read_bytes() == before


def test_a_regrade_never_loses_students_or_typed_scores_and_keeps_a_backup(tmp_path, subs, key, capsys):
    out = tmp_path / "gradebook.csv"
    assert _grade(subs, "--out", out) == 0
    full = out.read_text()
    # an instructor types a score into the gradebook itself (the old README suggested it)
    typed = full.replace(",190,yes,", ",190,yes,", 1)
    lines = typed.splitlines()
    header = lines[0].split(",")
    ann_line = next(i for i, line in enumerate(lines) if line.startswith("ann,"))
    cells = next(csv.reader([lines[ann_line]]))
    cells[header.index("part2:reflection")] = "3"
    lines[ann_line] = ",".join(cells)
    out.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert _grade(subs, "--out", out) == 2
    err = capsys.readouterr().err
    assert "ann part2:reflection = 3 typed into the gradebook (move it to the --manual file)" in err
    assert _rows(out)["ann"]["part2:reflection"] == "3"  # untouched

    # grading one late file alone into the same --out: refused, nothing lost
    late = tmp_path / "late"
    hand_in(late, key["part1"], "dee", correct_answers(key["part1"]), WHEN + dt.timedelta(days=2))
    assert _grade(late, "--out", out) == 2
    err = capsys.readouterr().err
    assert "would lose: student ann (not in this run); student ben" in err and "--replace" in err
    assert set(_rows(out)) == {"ann", "ben", "cat"}

    # everything together, the score moved to the manual file: written, old one kept, changes printed
    manual = tmp_path / "manual.csv"
    manual.write_text("student_id,question,points,comment\nann,part2:reflection,3,\n")
    assert _grade(subs, late, "--out", out, "--manual", manual) == 0
    printed = capsys.readouterr().out
    backups = sorted(tmp_path.glob("gradebook.backup-*.csv"))
    assert len(backups) == 1 and _rows(backups[0])["ann"]["part2:reflection"] == "3"
    assert f"kept the previous gradebook as {backups[0]}; changes:" in printed
    assert "  new students: dee" in printed
    assert "  ann: part2:total 10 -> 10" not in printed  # unchanged totals are not listed
    assert set(_rows(out)) == {"ann", "ben", "cat", "dee"} and _rows(out)["ann"]["part2:reflection"] == "3"

    # --replace writes a smaller one on purpose, still keeping a backup
    assert _grade(late, "--out", out, "--replace") == 0
    assert set(_rows(out)) == {"dee"} and len(list(tmp_path.glob("gradebook.backup-*.csv"))) == 2
    assert "students no longer in the gradebook: ann, ben, cat" in capsys.readouterr().out


def test_regrade_prints_changed_points(tmp_path, subs, capsys):
    out = tmp_path / "gradebook.csv"
    assert _grade(subs, "--out", out) == 0
    manual = tmp_path / "manual.csv"
    manual.write_text("student_id,question,points,comment\ncat,part2:reflection,2,\n")
    capsys.readouterr()
    assert _grade(subs, "--out", out, "--manual", manual) == 0
    printed = capsys.readouterr().out
    assert "  cat: part2:total 7 -> 9; total 7 -> 9" in printed
    assert "ann:" not in printed


def test_a_file_that_is_not_a_gradebook_is_not_overwritten(tmp_path, subs, capsys):
    out = tmp_path / "grades.csv"
    out.write_text("name,grade\nann,A\n")
    assert _grade(subs, "--out", out) == 2
    assert "is not a coursekit gradebook" in capsys.readouterr().err
    assert out.read_text() == "name,grade\nann,A\n"


@pytest.mark.parametrize("text,message", [
    ("student_id,question,points\nann,part2:reflection,5\n", "points 5 is outside 0 to 4"),
    ("student_id,question,points\nann,part2:reflection,lots\n", "points 'lots' is not a number"),
    ("student_id,question,points\nann,part1:benefit,1\n", "part1:benefit is auto-graded"),
    ("student_id,question,points\nann,part9:reflection,1\n", "question 'part9:reflection' is not in the key"),
    ("student_id,question,points\nann,part2:reflection,1\nann,part2:reflection,2\n", "already scored on line 2"),
    ("student_id,points\nann,1\n", "no question column"),
    ("student_id,question,points\n,part2:reflection,1\n", "student_id is empty"),
])
def test_manual_file_problems_name_the_line(tmp_path, key, text, message):
    path = tmp_path / "manual.csv"
    path.write_text(text)
    with pytest.raises(TableError, match=message):
        read_manual(path, key)


def test_manual_scores_for_unknown_students_are_warned_not_counted(tmp_path, subs, key):
    manual = tmp_path / "manual.csv"
    manual.write_text("student_id,question,points\nanne,part2:reflection,4\n")
    book = grade_submissions(subs, key, manual=manual)
    assert any("no student 'anne'" in w for w in book.warnings)
    assert book.row("ann")["part2:manual_score"] == "0"

"""A whole term, scripted as an instructor runs it (issue 15's acceptance test).

Release the quizzes; three rounds of submissions with broken, duplicate and late files;
reflections exported, scored in manual.csv and merged; a key fix with a version bump; a
regrade; an attempt to grade one round alone (refused); feedback pages; a Canvas export.
At the end every manual score is intact and every roster student is accounted for."""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil

import yaml
from quiz_support import QUIZ_DIR, correct_answers, reflection, wrong_answers

from coursekit.cli import main
from coursekit.quiz.gradebook.tables import MANUAL_COLUMNS
from coursekit.quiz.quizfile import load_quizzes
from coursekit.quiz.submissions import mark_submitted, record_answers

UTC = dt.timezone.utc
DUE = {"part1": dt.datetime(2026, 10, 1, 23, 59, tzinfo=UTC), "part2": dt.datetime(2026, 11, 1, 23, 59, tzinfo=UTC),
       "part3": dt.datetime(2026, 12, 1, 23, 59, tzinfo=UTC)}
ROSTER = [("s01", "Ada Lovelace"), ("s02", "Alan Turing"), ("s03", "Grace Hopper"), ("s04", "Edsger Dijkstra"),
          ("s05", "Barbara Liskov"), ("s06", "Donald Knuth"), ("s07", "Frances Allen"), ("s08", "John McCarthy")]


def _cli(*argv) -> int:
    return main([str(a) for a in argv])


def _rows(path) -> dict[str, dict]:
    with open(path, newline="") as handle:
        return {r["student_id"]: r for r in csv.DictReader(handle)}


def test_a_term_of_grading(tmp_path, capsys):
    key_dir = tmp_path / "instructor" / "quizzes"
    shutil.copytree(QUIZ_DIR, key_dir, ignore=shutil.ignore_patterns("*.md"))
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email\n" + "".join(f"{i},{n},{i}@uni.example\n" for i, n in ROSTER))
    due = [f"--due={q}={d.isoformat()}" for q, d in DUE.items()]
    common = ["--key", key_dir, "--roster", roster, *due, "--late-penalty", "per-day:1"]

    # -- release: the students' practice copies (what their notebooks grade against)
    assert _cli("quiz", "release", "--src", key_dir, "--out", tmp_path / "student" / "quizzes") == 0
    copies = load_quizzes(tmp_path / "student" / "quizzes")
    key = load_quizzes(key_dir)
    assert all(not q.is_key for q in copies.values())

    def hand_in(round_dir, student, quiz_id, answers, when, folder=None):
        target = round_dir / (folder or student)
        record_answers(copies[quiz_id], student, answers, target, now=when - dt.timedelta(minutes=20))
        return mark_submitted(quiz_id, student, target, now=when)

    # -- round 1: Part 1, with a late file, a resubmission, a broken file and a stray quiz id
    r1 = tmp_path / "round1"
    p1 = key["part1"]
    for student in ("s01", "s02", "s03", "s04", "s05"):
        hand_in(r1, student, "part1", correct_answers(p1), DUE["part1"] - dt.timedelta(days=1))
    hand_in(r1, "s02", "part1", wrong_answers(p1), DUE["part1"] - dt.timedelta(days=3), folder="s02-old")
    hand_in(r1, "S06", "part1", correct_answers(p1), DUE["part1"] + dt.timedelta(days=1, hours=2))  # 2 days late
    (r1 / "s07").mkdir()
    (r1 / "s07" / "s07__part1.json").write_text('{"format": "coursekit-submission/1", "student_id": "s07", "qu')
    stray = json.loads((r1 / "s01" / "s01__part1.json").read_text()) | {"student_id": "s08", "quiz_id": "part9"}
    (r1 / "s08__part9.JSON").write_text(json.dumps(stray))
    gradebook = tmp_path / "gradebook.csv"
    assert _cli("quiz", "grade", r1, *common, "--out", gradebook) == 0
    rows = _rows(gradebook)
    assert list(rows) == [i for i, _ in ROSTER]
    assert rows["s02"]["part1:total"] == "7"  # the later file won, not the first in path order
    assert rows["s06"]["part1:late"] == "yes" and rows["s06"]["part1:total"] == "5"
    assert "submitted as 'S06', matched to the roster by id" in rows["s06"]["notes"]
    assert rows["s07"]["part1:status"].startswith("rejected: not valid JSON")
    assert "unknown quiz 'part9'" in rows["s08"]["notes"] and rows["s08"]["part1:status"] == "missing"

    # -- round 2: Part 2 with reflections (one answer of the wrong type)
    r2 = tmp_path / "round2"
    p2 = key["part2"]
    for n, student in enumerate(("s01", "s02", "s03", "s04", "s05", "s06")):
        answers = correct_answers(p2) | {"reflection": reflection(185 + n)}
        if student == "s03":
            answers["eval-strategy"] = "B"  # not the option id "b"
        hand_in(r2, student, "part2", answers, DUE["part2"] - dt.timedelta(hours=5))
    assert _cli("quiz", "grade", r1, r2, *common, "--out", gradebook) == 0
    rows = _rows(gradebook)
    assert rows["s03"]["part2:eval-strategy"] == "0"
    assert "eval-strategy: invalid answer: 'B' is not one of the options" in rows["s03"]["part2:notes"]
    assert rows["s01"]["manual_review"] == "part2:reflection"

    # -- the reflections, read and scored in their own file
    page = tmp_path / "part2-reflections.html"
    assert _cli("quiz", "export-reflections", r1, r2, *common, "--question", "part2:reflection", "--out", page) == 0
    template = tmp_path / "part2-reflections_manual.csv"
    with template.open(newline="") as handle:
        scored = list(csv.DictReader(handle))
    assert [r["student_id"] for r in scored] == ["s01", "s02", "s03", "s04", "s05", "s06"]
    points = {"s01": "4", "s02": "3.5", "s03": "2", "s04": "3", "s05": "1.5", "s06": "4"}
    for row in scored:
        row["points"], row["comment"] = points[row["student_id"]], f"Read on {row['student_id']}."
    manual = tmp_path / "manual.csv"
    with manual.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANUAL_COLUMNS)
        writer.writeheader()
        writer.writerows(scored)
    manual_bytes = manual.read_bytes()
    assert _cli("quiz", "grade", r1, r2, *common, "--manual", manual, "--out", gradebook) == 0
    assert _rows(gradebook)["s02"]["part2:total"] == "10.5"

    # -- a key fix: Part 2's dynamic-padding question was badly worded; version 2 gives it to everyone
    data = yaml.safe_load((key_dir / "part2.yml").read_text())
    question = next(q for q in data["questions"] if q["id"] == "dynamic-padding")
    question["prompt"] = "What does dynamic padding (DataCollatorWithPadding) do to each batch?"
    data["version"] = 2
    data["grading"] = {"earlier_versions": [{"version": 1, "changed": {"dynamic-padding": "full"}}]}
    (key_dir / "part2.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    assert _cli("quiz", "validate", key_dir) == 0

    # -- round 3: Part 3, late files, one extension, and s07 hands Part 1 in properly (late)
    r3 = tmp_path / "round3"
    p3 = key["part3"]
    for student in ("s01", "s02", "s03"):
        hand_in(r3, student, "part3", correct_answers(p3) | {"reflection": reflection(160)},
                DUE["part3"] - dt.timedelta(days=1))
    hand_in(r3, "s04", "part3", correct_answers(p3), DUE["part3"] + dt.timedelta(hours=30))  # 2 days late
    hand_in(r3, "s05", "part3", correct_answers(p3), DUE["part3"] + dt.timedelta(hours=30))  # has an extension
    hand_in(r3, "s07", "part1", correct_answers(p1), DUE["part1"] + dt.timedelta(hours=10))  # 1 day late
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("student_id,quiz,days\ns05,part3,3\n")

    # grading round 3 alone into the same gradebook is refused: nothing is lost
    capsys.readouterr()
    before = gradebook.read_bytes()
    assert _cli("quiz", "grade", r3, *common, "--manual", manual, "--out", gradebook) == 2
    assert "would lose" in capsys.readouterr().err and gradebook.read_bytes() == before

    # -- the regrade of the whole term
    assert _cli("quiz", "grade", r1, r2, r3, *common, "--manual", manual, "--extensions", extensions,
                "--out", gradebook, "--lms", "canvas") == 0
    printed = capsys.readouterr().out
    assert "kept the previous gradebook as" in printed
    assert "s07: part1:total 0 -> 6; part1:status rejected: not valid JSON" in printed
    rows = _rows(gradebook)
    assert list(rows) == [i for i, _ in ROSTER]
    for student, value in points.items():  # every manual score intact and counted
        assert rows[student]["part2:reflection"] == value
    assert manual.read_bytes() == manual_bytes  # grading never writes the manual file
    assert rows["s01"]["part2:dynamic-padding"] == "1" and "full points (changed question)" in rows["s01"]["part2:notes"]
    assert "answered version 1, graded against version 2" in rows["s01"]["part2:notes"]
    assert rows["s02"]["part2:total"] == "10.5" and rows["s03"]["part2:total"] == "8"
    assert rows["s04"]["part3:late_penalty"] == "2" and rows["s04"]["part3:total"] == "3"
    assert rows["s05"]["part3:late"] == "no" and rows["s05"]["part3:total"] == "5"
    assert rows["s07"]["part1:status"] == "submitted" and rows["s07"]["part1:total"] == "6"
    assert rows["s01"]["manual_review"] == "part3:reflection"  # scored Part 2, Part 3 still to read
    statuses = {row[f"{q}:status"].split(":")[0] for row in rows.values() for q in key}
    assert statuses <= {"submitted", "missing", "rejected"}
    assert rows["s08"]["part1:status"] == "missing" and rows["s08"]["roster"] == "yes"
    backups = sorted(tmp_path.glob("gradebook.backup-*.csv"))
    assert len(backups) >= 3 and len(_rows(backups[-1])) == len(ROSTER)
    with (tmp_path / "gradebook_rejected.csv").open(newline="") as handle:
        rejected = {(r["student_id"], r["quiz"]): r["reason"] for r in csv.DictReader(handle)}
    assert rejected[("s02", "part1")].startswith("duplicate: ") and ("s08", "part9") in rejected

    # -- feedback pages and the Canvas import
    feedback = tmp_path / "feedback"
    assert _cli("quiz", "feedback", r1, r2, r3, *common, "--manual", manual, "--extensions", extensions,
                "--out", feedback, "--now", "2026-12-20T00:00+00:00") == 0
    assert sorted(p.stem for p in feedback.glob("*.html")) == [i for i, _ in ROSTER]
    page = (feedback / "s02.html").read_text()
    assert "Read on s02." in page and "Correct answer:" in page and "Total: 10.5 / 11" in page
    with (tmp_path / "gradebook_canvas.csv").open(newline="") as handle:
        canvas = list(csv.reader(handle))
    titles = [key[q].title for q in sorted(key)]
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles]
    by_id = {line[2]: line for line in canvas[2:]}
    assert list(by_id) == [i for i, _ in ROSTER]
    for student, row in rows.items():
        assert by_id[student][5:] == [row[f"{q}:total"] if row[f"{q}:status"] == "submitted" else ""
                                      for q in sorted(key)]

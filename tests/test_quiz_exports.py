"""What leaves the gradebook: LMS import files, feedback pages for students, and the
reflections page (with its manual.csv template) for the person scoring them."""
from __future__ import annotations

import csv
import datetime as dt
import html

import pytest
from quiz_support import QUIZ_DIR, correct_answers, hand_in, points_possible, reflection, wrong_answers

from coursekit.cli import main
from coursekit.quiz.gradebook.tables import MANUAL_COLUMNS
from coursekit.quiz.gradebook.pages import write_feedback
from coursekit.quiz.gradebook import grade_submissions
from coursekit.quiz.gradebook.lms import lms_table
from coursekit.quiz.gradebook.rules import build_policy
from coursekit.quiz.gradebook.pages import export_reflections
from coursekit.quiz.quizfile import load_quizzes
from coursekit.errors import TableError

DUE = dt.datetime(2026, 12, 15, 23, 59, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def key():
    return load_quizzes(QUIZ_DIR)


@pytest.fixture()
def course(tmp_path, key):
    root = tmp_path / "subs"
    hand_in(root, key["part1"], "-42", correct_answers(key["part1"]), DUE - dt.timedelta(days=1))
    hand_in(root, key["part2"], "-42", correct_answers(key["part2"]) | {"reflection": reflection(200)},
            DUE - dt.timedelta(days=1))
    hand_in(root, key["part1"], "s2", wrong_answers(key["part1"]), DUE - dt.timedelta(days=1))
    hand_in(root, key["part2"], "s2", {"reflection": "=HYPERLINK(\"x\") " + reflection(150)}, DUE)
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Email\n"
                      "\"=Doe, Jane\",101,-42,jdoe,Sec A,jane@example.edu\n"
                      "\"Roe, Rick\",102,s2,rroe,Sec A,rick@example.edu\n"
                      "\"Poe, Pat\",103,s3,ppoe,Sec B,pat@example.edu\n")
    manual = tmp_path / "manual.csv"
    manual.write_text("student_id,question,points,comment\n-42,part2:reflection,3,Good example; say more on bias.\n")
    return root, roster, manual


def test_canvas_import_file(tmp_path, course, key, capsys):
    root, roster, manual = course
    out = tmp_path / "gradebook.csv"
    assert main(["quiz", "grade", str(root), "--key", str(QUIZ_DIR), "--out", str(out), "--roster", str(roster),
                 "--manual", str(manual), "--lms", "canvas"]) == 0
    with (tmp_path / "gradebook_canvas.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    titles = [key[q].title for q in sorted(key)]
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles]
    possible = points_possible(key)  # each quiz's points, from the key itself
    assert rows[1] == ["Points Possible", "", "", "", "", *possible] and possible[:3] == ["7", "11", "9"]
    # ids untouched (an LMS matches on them); the name, free text, made inert
    assert rows[2][:5] == ["'=Doe, Jane", "101", "-42", "jdoe", "Sec A"]
    assert rows[2][5:] == ["7", "10", *[""] * (len(key) - 2)]  # part2: 7 auto + 3 manual; no later submission
    assert rows[3][:5] == ["Roe, Rick", "102", "s2", "rroe", "Sec A"] and rows[3][5] == "0"
    assert rows[4][:5] == ["Poe, Pat", "103", "s3", "ppoe", "Sec B"] and rows[4][5:] == [""] * len(key)


def test_moodle_import_file(course, key):
    root, roster, manual = course
    book = grade_submissions(root, key, roster=roster, manual=manual)
    columns, rows = lms_table(book, "moodle")
    assert columns[:3] == ["ID number", "Email address", "Full name"] and len(columns) == 3 + len(key)
    assert rows[0]["ID number"] == "-42" and rows[0]["Email address"] == "jane@example.edu"
    assert rows[0][key["part2"].title] == "10"
    assert [r["ID number"] for r in rows] == ["-42", "s2", "s3"]


def test_feedback_pages_reveal_answers_after_the_due_date(tmp_path, course, key):
    root, roster, manual = course
    policy = build_policy(key, due=[DUE.isoformat()])
    book = grade_submissions(root, key, roster=roster, manual=manual, policy=policy)
    before = write_feedback(book, tmp_path / "before", now=DUE - dt.timedelta(hours=1))
    assert sorted(p.name for p in before) == ["-42.html", "s2.html", "s3.html"]
    page = html.unescape((tmp_path / "before" / "s2.html").read_text())
    benefit = key["part1"].question("benefit")
    assert "<b>Q1.</b> What is a key benefit of fine-tuning a pre-trained model?" in page
    assert "Your answer: b) It removes the need for labelled data." in page and "Points: 0 / 1 (not correct)" in page
    assert "Correct answer:" not in page and benefit.explanation not in page
    assert "appear here once the quiz's due date has passed" in page
    assert "Points: not graded yet / 4" in page
    assert "=HYPERLINK(&quot;x&quot;)" in (tmp_path / "before" / "s2.html").read_text()  # escaped, inert

    write_feedback(book, tmp_path / "after", now=DUE + dt.timedelta(hours=1))
    page = html.unescape((tmp_path / "after" / "s2.html").read_text())
    assert "Correct answer: a) It reduces the need for computational resources." in page
    assert " ".join(benefit.explanation.split()) in " ".join(page.split())
    mine = html.unescape((tmp_path / "after" / "-42.html").read_text())
    assert "Total: 10 / 11" in mine and "Points: 3 / 4" in mine
    assert "Instructor's comment: Good example; say more on bias." in mine
    missing = html.unescape((tmp_path / "after" / "s3.html").read_text())
    assert "No graded submission: missing." in missing and "Quiz feedback: s3 (Poe, Pat)" in missing


def test_cli_feedback(tmp_path, course, capsys):
    root, roster, manual = course
    out = tmp_path / "feedback"
    assert main(["quiz", "feedback", str(root), "--key", str(QUIZ_DIR), "--out", str(out), "--roster", str(roster),
                 "--manual", str(manual), "--reveal-answers"]) == 0
    assert "wrote 3 feedback page(s)" in capsys.readouterr().out
    assert "Correct answer:" in (out / "s2.html").read_text()


def test_export_reflections_page_and_template(tmp_path, course, key):
    root, _, _ = course
    book = grade_submissions(root, key)
    result = export_reflections(book, "part2:reflection", tmp_path / "r.html")
    page = html.unescape(result.page.read_text())
    assert result.count == 2 and "<h2>-42</h2>" in page and "<h2>s2</h2>" in page
    assert "200 words (in the 180 to 220 range); rubric points mentioned: metrics, overfitting, bias, context" in page
    assert "152 words (out of the 180 to 220 range)" in page
    assert key["part2"].question("reflection").rubric[0].point in page
    with result.template.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    # "-42" is a plain number, which no spreadsheet runs: written as it is, as in the Canvas file
    assert [(r["student_id"], r["question"], r["points"]) for r in rows] == [("-42", "part2:reflection", ""),
                                                                             ("s2", "part2:reflection", "")]
    with pytest.raises(TableError, match="already exists"):
        export_reflections(book, "part2:reflection", tmp_path / "r.html")
    with pytest.raises(TableError, match="not a reflection in the key; choose one of part2:reflection, part3:reflection"):
        export_reflections(book, "part1:benefit", tmp_path / "x.html")


def test_anonymised_export_round_trip(tmp_path, course, key, capsys):
    root, _, _ = course
    page = tmp_path / "reflections.html"
    assert main(["quiz", "export-reflections", str(root), "--key", str(QUIZ_DIR), "--question", "part2:reflection",
                 "--out", str(page), "--anonymise"]) == 0
    assert "codes: " in capsys.readouterr().out
    text = page.read_text()
    assert "s2" not in text and "-42" not in text
    template = tmp_path / "reflections_manual.csv"
    with template.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["student_id"].startswith("R-") for r in rows)
    rows[0]["points"], rows[1]["points"] = "4", "1"
    with template.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANUAL_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    codes = tmp_path / "reflections_codes.csv"
    out = tmp_path / "gradebook.csv"
    assert main(["quiz", "grade", str(root), "--key", str(QUIZ_DIR), "--out", str(out), "--manual", str(template),
                 "--codes", str(codes)]) == 0
    with out.open(newline="") as handle:
        graded = {r["student_id"].lstrip("'"): r["part2:reflection"] for r in csv.DictReader(handle)}
    assert sorted(graded.values()) == ["1", "4"]
    # a second export reuses the codes
    again = tmp_path / "again.html"
    assert main(["quiz", "export-reflections", str(root), "--key", str(QUIZ_DIR), "--question", "part2:reflection",
                 "--out", str(again), "--anonymise"]) == 0
    first_codes = codes.read_text()
    assert (tmp_path / "again_codes.csv").read_text() != "" and first_codes

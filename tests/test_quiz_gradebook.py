"""Grading a folder of submissions: scores from the key (never from the file), late flags,
reflection word counts and rubric mentions, a per-question summary; bad files rejected
with their reason and their students kept; duplicates, ids, rosters."""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil

import pytest
from quiz_support import QUIZ_DIR, correct_answers, course_points, hand_in, reflection, wrong_answers

from coursekit.cli import main
from coursekit.quiz.gradebook import grade_submissions, write_gradebook
from coursekit.quiz.gradebook.rules import build_policy
from coursekit.quiz.quizfile import load_quizzes
from coursekit.quiz.submissions import record_answers

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
    hand_in(root, p1, "alice", correct_answers(p1), EARLY)
    hand_in(root, p2, "alice", {**correct_answers(p2), "reflection": reflection(200)}, EARLY)
    bob = hand_in(root, p1, "bob", wrong_answers(p1), LATE)
    data = json.loads(bob.read_text())  # bob claims full marks in his file
    data["score"] = 8
    for entry in data["history"]:
        entry["shown_score"] = "Score: 8 / 8"
    bob.write_text(json.dumps(data))
    hand_in(root, p1, "carol", {"benefit": "a", "deploy-runtime": "b", "new-head": "a"}, EARLY, submit=False)

    bad = root / "bad"
    bad.mkdir()
    (bad / "truncated.json").write_text('{"format": "coursekit-submission/1", "student_id": "dan", "ans')
    (bad / "missing_field.json").write_text(json.dumps({"format": "coursekit-submission/1", "student_id": "eve", "quiz_id": "part1", "answers": {}}))
    unknown = json.loads(bob.read_text()) | {"student_id": "fay", "quiz_id": "part9"}
    (bad / "unknown_quiz.json").write_text(json.dumps(unknown))
    old = json.loads(bob.read_text()) | {"student_id": "gus", "quiz_version": "0"}
    (bad / "old_version.json").write_text(json.dumps(old))
    earlier = json.loads((root / "alice" / "alice__part1.json").read_text())
    earlier |= {"answers": {}, "submitted_at": (EARLY - dt.timedelta(days=2)).isoformat()}
    (root / "zz_resubmitted").mkdir()
    (root / "zz_resubmitted" / "alice__part1.json").write_text(json.dumps(earlier))
    return root


def test_batch_with_broken_files(batch, key):
    book = grade_submissions(batch, key, due=DUE)
    problems = {p.path.parent.name + "/" + p.path.name: p.message for p in book.problems if p.path}
    assert set(problems) == {"bad/truncated.json", "bad/missing_field.json", "bad/unknown_quiz.json",
                             "bad/old_version.json", "zz_resubmitted/alice__part1.json"}
    assert "not valid JSON" in problems["bad/truncated.json"]
    assert "field 'quiz_version': required field is missing" in problems["bad/missing_field.json"]
    assert "unknown quiz 'part9'" in problems["bad/unknown_quiz.json"]
    assert "version '0' does not match the key's version '1'" in problems["bad/old_version.json"]
    assert "--accept-version part1=0" in problems["bad/old_version.json"]
    duplicate = problems["zz_resubmitted/alice__part1.json"]
    assert duplicate.startswith("duplicate: ") and "alice/alice__part1.json is graded instead (latest wins)" in duplicate
    # every student a file names has a row, even when their only file was rejected
    assert [row["student_id"] for row in book.rows] == ["alice", "bob", "carol", "eve", "fay", "gus"]

    alice, bob, carol = book.row("alice"), book.row("bob"), book.row("carol")
    assert alice["part1:auto_score"] == "7" and alice["part1:benefit"] == "1"
    assert alice["part1:application"] == "3"
    assert alice["part1:application:justifications"].startswith("legal-summarization: it fits this task well")
    assert alice["part1:late"] == "no" and alice["part1:status"] == "submitted"
    assert alice["part2:auto_score"] == "7" and alice["total_auto"] == "14" and alice["total_auto_max"] == course_points(key, "auto_max")
    assert alice["part2:reflection"] == ""  # left for the manual file
    assert alice["part2:reflection:words"] == 200 and alice["part2:reflection:in_range"] == "yes"
    assert alice["part2:reflection:rubric_mentioned"] == "metrics;overfitting;bias;context"
    assert alice["part2:reflection:review"] == "manual" and alice["manual_review"] == "part2:reflection"
    assert alice["part3:status"] == "missing" and alice["total"] == "14" and alice["total_max"] == course_points(key)

    assert bob["part1:auto_score"] == "0"  # his stored "score" is ignored
    assert bob["part1:late"] == "yes" and bob["part2:status"] == "missing"
    assert carol["part1:auto_score"] == "1" and carol["part1:deploy-runtime"] == "0"
    assert carol["part1:why-fine-tune"] == "" and carol["part1:unanswered"] == "why-fine-tune;application"
    assert carol["part1:status"] == "saved, not submitted" and carol["part1:late"] == "no"
    assert book.row("eve")["part1:status"].startswith("rejected: field 'quiz_version': required field is missing")
    assert book.row("gus")["part1:status"].startswith("rejected: quiz 'part1' version '0'")
    assert "unknown_quiz.json: unknown quiz 'part9'" in book.row("fay")["notes"]


def test_per_question_summary(batch, key):
    book = grade_submissions(batch, key)
    rows = {(r["quiz"], r["question"]): r for r in book.summary}
    benefit = rows[("part1", "benefit")]
    assert benefit["graded"] == 3 and benefit["answered"] == 3 and benefit["share_correct"] == "0.67"
    assert benefit["most_common_wrong"] == "b) It removes the need for labelled data. (1)"
    head = rows[("part1", "new-head")]
    assert head["share_correct"] == "0.33" and head["most_common_wrong"] == "a) All of them; fine-tuning re-learns the whole network. (2)"
    assert rows[("part1", "application")]["most_common_wrong"].endswith("(1)")
    reflection_row = rows[("part2", "reflection")]
    assert reflection_row["mean_words"] == "200" and reflection_row["share_in_range"] == "1.00"
    assert "overfitting 1/1" in reflection_row["rubric_coverage"] and "compute 0/1" in reflection_row["rubric_coverage"]
    assert book.row("alice")["part1:late"] == ""  # no due date given, none in the key


def test_cli_grade_writes_gradebook_summary_and_rejected_files(batch, tmp_path, capsys):
    out = tmp_path / "gradebook.csv"
    assert main(["quiz", "grade", str(batch), "--key", str(QUIZ_DIR), "--out", str(out), "--due", "2026-12-15"]) == 0
    captured = capsys.readouterr()
    assert "graded 4 submission(s) from 3 student(s); 6 row(s); 4 file(s) rejected, 1 not graded in favour of another file" in captured.out
    assert "part1:benefit: correct 0.67" in captured.out
    assert captured.err.count("skipped: ") == 5 and "truncated.json" in captured.err
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["student_id"] for r in rows] == ["alice", "bob", "carol", "eve", "fay", "gus"]
    assert rows[1]["part1:late"] == "yes" and rows[0]["part1:late"] == "no"
    assert (tmp_path / "gradebook_summary.csv").exists()
    with (tmp_path / "gradebook_rejected.csv").open() as handle:
        rejected = {r["file"].rsplit("/", 1)[-1]: r for r in csv.DictReader(handle)}
    assert set(rejected) == {"truncated.json", "missing_field.json", "unknown_quiz.json", "old_version.json",
                             "alice__part1.json"}
    assert rejected["missing_field.json"]["student_id"] == "eve" and rejected["missing_field.json"]["quiz"] == "part1"
    assert rejected["truncated.json"]["student_id"] == "" and "not valid JSON" in rejected["truncated.json"]["reason"]


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
    from coursekit.quiz.quizfile import release_quizzes

    student = tmp_path / "student"
    instructor = tmp_path / "instructor"
    shutil.copytree(QUIZ_DIR, instructor)
    release_quizzes(instructor, student)
    with pytest.raises(QuizError, match="cannot serve as the answer key"):
        grade_submissions(batch, student)


def test_write_gradebook_paths(batch, key, tmp_path):
    book = grade_submissions(batch, key)
    out, summary = write_gradebook(book, tmp_path / "g.csv", tmp_path / "s.csv")
    assert out.read_text().splitlines()[0].startswith("student_id,name,email,roster,part1:benefit,")
    assert summary.read_text().splitlines()[0] == ",".join(book.summary_columns)
    assert (tmp_path / "g_rejected.csv").read_text().startswith("file,student_id,quiz,reason\n")


def test_student_text_cannot_become_a_spreadsheet_formula(tmp_path, key):
    p1 = key["part1"]
    answers = {"application": {"legal-summarization": {"choice": "bert", "justification": "=HYPERLINK(\"http://x\") legal"}}}
    record_answers(p1, "=cmd|' /C calc'!A0", answers, tmp_path / "subs")
    out, _ = write_gradebook(grade_submissions(tmp_path / "subs", key), tmp_path / "g.csv")
    with out.open() as handle:
        row = next(csv.DictReader(handle))
    assert row["student_id"] == "'=cmd|' /C calc'!A0"
    assert row["part1:application:justifications"].startswith("legal-summarization: =HYPERLINK")


def test_upper_case_json_extension_is_read(tmp_path, key):
    path = hand_in(tmp_path / "subs", key["part1"], "hal", correct_answers(key["part1"]), EARLY)
    path.rename(path.with_suffix(".JSON"))
    book = grade_submissions(tmp_path / "subs", key)
    assert book.row("hal")["part1:auto_score"] == "7"


def test_the_latest_hand_in_wins_not_the_path_order(tmp_path, key):
    p1 = key["part1"]
    root = tmp_path / "subs"
    hand_in(root, p1, "ivy", wrong_answers(p1), EARLY + dt.timedelta(hours=3), folder="a-resubmitted")
    hand_in(root, p1, "ivy", correct_answers(p1), EARLY, folder="b-first")
    latest = grade_submissions(root, key)
    assert latest.row("ivy")["part1:auto_score"] == "0"  # a-resubmitted is later, though first in path order
    (superseded,) = latest.rejected
    assert superseded.superseded and superseded.path.parent.name == "b-first"
    earliest = grade_submissions(root, key, policy=build_policy(key, duplicates="earliest"))
    assert earliest.row("ivy")["part1:auto_score"] == "7"
    best = grade_submissions(root, key, policy=build_policy(key, duplicates="best"))
    assert best.row("ivy")["part1:auto_score"] == "7"


def test_ids_differing_only_in_case_are_kept_apart_or_matched_by_the_roster(tmp_path, key):
    p1, p2 = key["part1"], key["part2"]
    root = tmp_path / "subs"
    hand_in(root, p1, "Jo", correct_answers(p1), EARLY)
    hand_in(root, p2, "jo", correct_answers(p2), EARLY)
    book = grade_submissions(root, key)
    assert [r["student_id"] for r in book.rows] == ["Jo", "jo"]
    assert any("'Jo', 'jo' differ only in case" in w for w in book.warnings)
    assert "differ only in case" in book.row("jo")["notes"]
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email\njo,Jo Smith,jo@example.edu\n")
    matched = grade_submissions(root, key, roster=roster)
    assert [r["student_id"] for r in matched.rows] == ["jo"]
    row = matched.row("jo")
    assert row["part1:auto_score"] == "7" and row["part2:auto_score"] == "7" and row["name"] == "Jo Smith"
    assert "submitted as 'Jo', matched to the roster by id (case ignored)" in row["notes"]


def test_the_roster_accounts_for_every_student(tmp_path, key):
    p1 = key["part1"]
    root = tmp_path / "subs"
    hand_in(root, p1, "s1", correct_answers(p1), EARLY)
    (root / "s2").mkdir()
    (root / "s2" / "s2__part1.json").write_text("")  # empty: the student's only file
    hand_in(root, p1, "S4@EXAMPLE.EDU", correct_answers(p1), EARLY)  # typed the e-mail as id
    hand_in(root, p1, "zed", correct_answers(p1), EARLY)  # not on the roster
    roster = tmp_path / "roster.csv"
    roster.write_text("\ufeffStudent,SIS Login ID,Email\nAda,s1,s1@example.edu\nBo,s2,s2@example.edu\n"
                      "Cy,s3,s3@example.edu\nDi,s4,s4@example.edu\n")
    book = grade_submissions(root, key, roster=roster)
    rows = {r["student_id"]: r for r in book.rows}
    assert list(rows) == ["s1", "s2", "s3", "s4", "zed"]
    assert rows["s1"]["part1:status"] == "submitted" and rows["s1"]["name"] == "Ada"
    assert rows["s2"]["part1:status"].startswith("rejected: not valid JSON")
    assert rows["s3"]["part1:status"] == "missing" and rows["s3"]["roster"] == "yes"
    assert rows["s4"]["part1:auto_score"] == "7" and "matched to the roster by another id or e-mail" in rows["s4"]["notes"]
    assert rows["zed"]["roster"] == "not on roster" and rows["zed"]["part1:auto_score"] == "7"


def test_crafted_files_are_rejected_one_by_one_and_the_class_is_graded(tmp_path, key):
    """Issue 13: one file nested 100k levels (RecursionError) or holding a 5,000-digit
    integer (ValueError) aborted the whole grading run."""
    p1 = key["part1"]
    root = tmp_path / "subs"
    hand_in(root, p1, "ok1", correct_answers(p1), EARLY)
    (root / "deep__part1.json").write_text("[" * 100_000 + "]" * 100_000)
    (root / "bigint__part1.json").write_text('{"student_id": "bigint", "quiz_id": "part1", "x": ' + "9" * 5000 + "}")
    (root / "latin1__part1.json").write_bytes(b'{"student_id": "caf\xe9"}')
    answers_bomb = json.loads((root / "ok1" / "ok1__part1.json").read_text())
    answers_bomb |= {"student_id": "weird", "answers": {"application": {"legal-summarization": [[[]]]},
                                                        "benefit": {"a": 1}, "why-fine-tune": [1, None]}}
    (root / "weird__part1.json").write_text(json.dumps(answers_bomb))
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nok1\ndeep\nbigint\nlatin1\nweird\n")
    book = grade_submissions(root, key, roster=roster)
    rows = {r["student_id"]: r for r in book.rows}
    assert rows["ok1"]["part1:auto_score"] == "7"
    assert rows["deep"]["part1:status"] == "rejected: not a submission (JSON nested too deeply)"
    assert rows["bigint"]["part1:status"].startswith("rejected: not a submission (Exceeds the limit")
    assert rows["latin1"]["part1:status"].startswith("rejected: not UTF-8 text")
    weird = rows["weird"]
    assert weird["part1:auto_score"] == "0" and weird["part1:benefit"] == "0"
    assert "benefit: invalid answer: {'a': 1} is not one of the options" in weird["part1:notes"]
    assert "why-fine-tune: invalid answer: [1, None] is not a list of option ids" in weird["part1:notes"]


def test_file_names_must_agree_with_the_student_id_inside(tmp_path, key):
    """Issue 25: a file named for one student holding another's id is rejected; an LMS's prefix
    or a download's copy number is not a disagreement, and the roster can say two ids are one."""
    p1 = key["part1"]
    root = tmp_path / "subs"
    canvas = hand_in(root, p1, "s001", correct_answers(p1), EARLY, folder="canvas")
    canvas.rename(canvas.with_name("angstromasa_201_9001_s001__part1-1.json"))  # Canvas's download name
    login = hand_in(root, p1, "s002", correct_answers(p1), EARLY, folder="by-login")
    login.rename(login.with_name("jmuller__part1 (1).json"))  # named by login; the roster knows it is s002
    other = hand_in(root, p1, "s003", wrong_answers(p1), LATE, folder="other")
    other.rename(other.with_name("s002__part1.json"))  # s002's name, s003's work
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\nÅsa,201,s001,aangstrom,A\nJörg,202,s002,jmuller,A\n"
                      "Siobhán,203,s003,sobrien,A\n", encoding="utf-8")
    book = grade_submissions(root, key, roster=roster)
    assert book.row("s001")["part1:total"] == "7" and book.row("s002")["part1:total"] == "7"
    (rejected,) = book.rejected
    assert rejected.path.name == "s002__part1.json" and rejected.student_id == "s002"
    assert rejected.reason.startswith("the file name is for student 's002' but the file holds student_id 's003'")
    assert book.row("s003")["part1:status"] == "missing"
    assert [r.path.name for r in grade_submissions(root, key).rejected] == ["jmuller__part1 (1).json",
                                                                           "s002__part1.json"]  # no roster: refused

"""Grading rules an instructor sets (in the key or on the command line): earlier key
versions, late penalties, due dates per quiz and per student, partial credit."""
from __future__ import annotations

import datetime as dt

import pytest
from quiz_support import QUIZ_DIR, correct_answers, hand_in, raw_quiz, write_quiz

from coursekit.cli import main
from coursekit.errors import QuizError
from coursekit.quiz.gradebook import grade_submissions
from coursekit.quiz.gradebook.rules import LatePenalty, build_policy, days_late
from coursekit.quiz.quizfile import load_quiz, load_quizzes

DUE = dt.datetime(2026, 12, 15, 23, 59, tzinfo=dt.timezone.utc)


def _question(data, qid):
    return next(q for q in data["questions"] if q["id"] == qid)


@pytest.fixture()
def keys(tmp_path):
    """Version 1 of part1 as released, and version 2 after a fix to one question's text."""
    v1 = tmp_path / "v1"
    write_quiz(v1, raw_quiz("part1"))
    fixed = raw_quiz("part1")
    fixed["version"] = 2
    _question(fixed, "new-head")["prompt"] += " (Count the weights the lesson printed.)"
    v2 = tmp_path / "v2"
    write_quiz(v2, fixed)
    return load_quiz(v1 / "part1.yml"), v2


def test_a_version_bump_rejects_old_submissions_until_they_are_accepted(tmp_path, keys):
    old_key, v2 = keys
    answers = correct_answers(old_key) | {"new-head": "a"}  # new-head wrong
    hand_in(tmp_path / "subs", old_key, "kim", answers, DUE)
    key2 = load_quizzes(v2)
    rejected = grade_submissions(tmp_path / "subs", key2)
    assert rejected.row("kim")["part1:status"].startswith("rejected: quiz 'part1' version '1' does not match")

    regraded = grade_submissions(tmp_path / "subs", key2, policy=build_policy(key2, accept_versions=["part1=1"]))
    row = regraded.row("kim")
    assert row["part1:status"] == "submitted" and row["part1:auto_score"] == "6"
    assert "answered version 1, graded against version 2" in row["part1:notes"]
    assert "new-head: the question's text changed after it was answered (regraded against the current key)" in row["part1:notes"]

    data = raw_quiz("part1") | {"version": 2, "grading": {"earlier_versions": [{"version": 1, "changed": {"new-head": "full"}}]}}
    _question(data, "new-head")["prompt"] += " (Count the weights the lesson printed.)"
    write_quiz(tmp_path / "v2-full", data)
    full = grade_submissions(tmp_path / "subs", load_quizzes(tmp_path / "v2-full"))
    row = full.row("kim")
    assert row["part1:auto_score"] == "7" and row["part1:new-head"] == "1"
    assert "new-head: full points (changed question)" in row["part1:notes"]
    assert "text changed" not in row["part1:notes"]


def test_a_changed_question_without_a_version_bump_is_flagged(tmp_path, keys):
    old_key, _ = keys
    hand_in(tmp_path / "subs", old_key, "lee", correct_answers(old_key), DUE)
    silently = raw_quiz("part1")
    _question(silently, "benefit")["options"][0]["text"] = "It needs a GPU."
    write_quiz(tmp_path / "same-version", silently)
    book = grade_submissions(tmp_path / "subs", load_quizzes(tmp_path / "same-version"))
    assert ("benefit: the question's text changed after it was answered (bump the key's version)"
            in book.row("lee")["part1:notes"])


def test_earlier_versions_in_the_key_are_checked(tmp_path):
    data = raw_quiz("part1") | {"grading": {"earlier_versions": [{"version": 1, "changed": {"nope": "full"}}]}}
    path = write_quiz(tmp_path, data)
    with pytest.raises(QuizError, match=r"field 'grading.earlier_versions\[0\].version': '1' is the current version"):
        load_quiz(path)
    data["grading"]["earlier_versions"][0]["version"] = 0
    with pytest.raises(QuizError, match=r"'nope' is not a question of this quiz"):
        load_quiz(write_quiz(tmp_path, data))
    data["grading"]["earlier_versions"][0]["changed"] = {"benefit": "half"}
    with pytest.raises(QuizError, match=r"grading.earlier_versions\[0\].changed.benefit"):
        load_quiz(write_quiz(tmp_path, data))


@pytest.mark.parametrize("rule,days,earned,expected", [
    ("none", 3, 5, 0), ("zero", 1, 5, 5), ("per-day:1", 2, 5, 2), ("per-day:1", 9, 5, 5),
    ("per-day:10%", 2, 5, 1.4), ("per-day:0.5", 0, 5, 0),
])
def test_late_penalty_rules(rule, days, earned, expected):
    assert LatePenalty.parse(rule).points(days, earned, quiz_max=7) == pytest.approx(expected)


def test_days_late_counts_started_days():
    assert days_late(DUE, DUE) == 0
    assert days_late(DUE + dt.timedelta(minutes=1), DUE) == 1
    assert days_late(DUE + dt.timedelta(days=1, seconds=1), DUE) == 2
    assert days_late(None, DUE) == 0 and days_late(DUE, None) == 0


def test_due_dates_extensions_and_penalties(tmp_path):
    key = load_quizzes(QUIZ_DIR)
    p1 = key["part1"]
    root = tmp_path / "subs"
    hand_in(root, p1, "on-time", correct_answers(p1), DUE - dt.timedelta(hours=1))
    hand_in(root, p1, "late", correct_answers(p1), DUE + dt.timedelta(days=1, hours=1))  # 2 started days
    hand_in(root, p1, "extended", correct_answers(p1), DUE + dt.timedelta(days=1, hours=1))
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("student_id,quiz,due,days\nextended,part1,,3\n")
    policy = build_policy(key, due=["part1=2026-12-15T23:59+00:00"], late_penalty=["part1=per-day:1"],
                          extensions=extensions)
    book = grade_submissions(root, key, policy=policy)
    on_time, late, extended = book.row("on-time"), book.row("late"), book.row("extended")
    assert on_time["part1:late"] == "no" and on_time["part1:total"] == "7" and on_time["part1:late_penalty"] == ""
    assert late["part1:late"] == "yes" and late["part1:late_penalty"] == "2" and late["part1:total"] == "5"
    assert "2 day(s) late" in late["part1:notes"] and late["part1:auto_score"] == "7"
    assert extended["part1:late"] == "no" and extended["part1:total"] == "7"
    assert extended["part1:due"] == "2026-12-18T23:59:00+00:00" and "extension to 2026-12-18" in extended["part1:notes"]
    assert late["part2:due"] == ""  # the due date was given for part1 only
    zero = grade_submissions(root, key, policy=build_policy(key, due=[DUE.isoformat()], late_penalty=["zero"]))
    assert zero.row("late")["part1:total"] == "0" and zero.row("late")["total"] == "0"


def test_late_penalty_and_partial_credit_from_the_key(tmp_path):
    data = raw_quiz("part1") | {"due": "2026-12-15T23:59:00+00:00",
                                "grading": {"late_penalty": "per-day:50%", "partial_credit": True}}
    write_quiz(tmp_path / "key", data)
    key = load_quizzes(tmp_path / "key")
    answers = correct_answers(key["part1"]) | {"why-fine-tune": ["a", "b"]}
    hand_in(tmp_path / "subs", key["part1"], "mo", answers, DUE + dt.timedelta(hours=5))
    row = grade_submissions(tmp_path / "subs", key).row("mo")
    assert row["part1:why-fine-tune"] == "0.67"
    assert row["part1:auto_score"] == "6.67" and row["part1:late_penalty"] == "3.5" and row["part1:total"] == "3.17"
    command_line = grade_submissions(tmp_path / "subs", key,
                                     policy=build_policy(key, late_penalty=["none"], partial_credit=False)).row("mo")
    assert command_line["part1:total"] == "6" and command_line["part1:why-fine-tune"] == "0"


def test_cli_policy_options(tmp_path, capsys):
    key = load_quizzes(QUIZ_DIR)
    hand_in(tmp_path / "subs", key["part1"], "ned", correct_answers(key["part1"]) | {"why-fine-tune": ["a", "c"]},
            DUE + dt.timedelta(hours=1))
    out = tmp_path / "g.csv"
    assert main(["quiz", "grade", str(tmp_path / "subs"), "--key", str(QUIZ_DIR), "--out", str(out),
                 "--due", "part1=2026-12-15T23:59+00:00", "--late-penalty", "per-day:1", "--partial-credit"]) == 0
    text = out.read_text()
    assert ",6.67,7,0,0,1,5.67,7," in text  # auto, auto max, manual, manual max, penalty, total, max
    for bad, message in ((["--late-penalty", "half"], "is not a late penalty"),
                         (["--due", "part9=2026-12-15"], "the key has no quiz 'part9'"),
                         (["--accept-version", "part1"], "expected QUIZ=VERSION"),
                         (["--accept-version", "part1=1"], "is the key's current version")):
        assert main(["quiz", "grade", str(tmp_path / "subs"), "--key", str(QUIZ_DIR), "--out", str(out), *bad]) == 2
        assert message in capsys.readouterr().err


def test_extensions_file_problems_name_the_line(tmp_path):
    key = load_quizzes(QUIZ_DIR)
    path = tmp_path / "ext.csv"
    for text, message in (("student_id,quiz,due\nx,part9,2026-12-20\n", "line 2: the key has no quiz 'part9'"),
                          ("student_id,quiz,days\nx,part1,3\n", "quiz part1 has no due date"),
                          ("student_id,quiz,due,days\nx,part1,2026-12-20,3\n", "either a due date or a number"),
                          ("student_id,quiz,due\nx,part1,someday\n", "'someday' is not an ISO 8601 date"),
                          ("quiz,due\npart1,2026-12-20\n", "no student_id column")):
        path.write_text(text)
        with pytest.raises(Exception, match=message):
            build_policy(key, extensions=path)

"""Issue 25: a second term, played through the command line as an instructor runs it, with
every score, note and file checked against figures computed by hand (in the comments).

A class of 8 on a Canvas roster exported as it is (a posting-policy row, ``Points Possible``,
the test student, non-ASCII names), plus two submitters not on it; three rounds of files:
perfect, empty, late, wrong types, missing parts, three resubmissions (one within a round,
one whose clock is wrong, one late after a reflection was scored), a file named for one
student holding another's id, a hidden ``..__part1.json``, an over-long reflection, an id
that is a spreadsheet formula; a key fixed without a version bump (caught), then properly."""
from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import shutil

import yaml
from quiz_support import QUIZ_DIR, correct_answers, course_points, hand_in, points_possible, reflection, wrong_answers

from coursekit.cli import main
from coursekit.quiz.quizfile import load_quizzes

UTC = dt.timezone.utc
DUE = {"part1": dt.datetime(2026, 10, 1, 23, 59, tzinfo=UTC), "part2": dt.datetime(2026, 11, 1, 23, 59, tzinfo=UTC),
       "part3": dt.datetime(2026, 12, 1, 23, 59, tzinfo=UTC)}
ROSTER = ('Student,ID,SIS User ID,SIS Login ID,Section,Part 1 (1001),Current Score,Final Score\n'
          ',,,,,Manual Posting,,\n'
          '    Points Possible,,,,,7.00,(read only),(read only)\n'
          '"Ångström, Åsa",201,s001,aangstrom,Sec 1,,,\n"Müller, Jörg",202,s002,jmuller,Sec 1,,,\n'
          '"O\'Brien, Siobhán",203,s003,sobrien,Sec 1,,,\n"Nguyễn, Thị",204,s004,tnguyen,Sec 2,,,\n'
          '"Smith, Ann",205,s005,asmith,Sec 2,,,\n"Dupont, Zoë",206,s006,zdupont,Sec 2,,,\n'
          '"Kowalski, Piotr",207,s007,pkowalski,Sec 2,,,\n"Lee, Mallory",208,s008,mallory,Sec 2,,,\n'
          '"Student, Test",209,,,Sec 1,,,\n')
CLASS = [f"s00{i}" for i in range(1, 9)]
FORMULA = "@SUM(A1:A9)"


def _cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _rows(path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {r["student_id"].removeprefix("'"): r for r in csv.DictReader(handle)}


def _fill(template, scores: dict, out=None) -> str:
    """The template with points filled in (a person scoring the reflections)."""
    with open(template, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["points"] = scores.get(row["student_id"], "")
    lines = [",".join(rows[0])] + [",".join(r.values()) for r in rows]
    return "\n".join(lines) + "\n"


def _live_formulas(folder) -> list[str]:
    """Cells of every CSV under ``folder`` that a spreadsheet would run."""
    found = []
    for path in folder.glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                found += [f"{path.name}: {c}" for c in row if c and c[0] in "=+-@\t\r" and not
                          re.fullmatch(r"[+-]?\d+(\.\d*)?", c)]
    return found


def _term(tmp_path):
    """The key, its released copies, the roster and the three rounds of files."""
    key_dir = tmp_path / "key"
    shutil.copytree(QUIZ_DIR, key_dir, ignore=shutil.ignore_patterns("*.md"))
    key = load_quizzes(key_dir)
    p1, p2, p3 = key["part1"], key["part2"], key["part3"]
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    day = dt.timedelta(days=1)
    r1, r2, r3 = (tmp_path / f"round{i}" for i in (1, 2, 3))
    # round 1: Part 1
    hand_in(r1, p1, "s001", correct_answers(p1), DUE["part1"] - day)                               # 7
    hand_in(r1, p1, "s002", {}, DUE["part1"] - day)                                                # empty
    hand_in(r1, p1, "s003", {"benefit": ["a"], "deploy-runtime": "a", "new-head": "B", "why-fine-tune": "a",
                             "application": "bert"}, DUE["part1"] - day)                           # 1
    why = "it fits this task well"
    hand_in(r1, p1, "s004", {"benefit": "a", "deploy-runtime": "a", "application": {
        "legal-summarization": {"choice": "bert", "justification": why},
        "sentiment-analysis": {"choice": "distilbert", "justification": why},
        "image-captioning": {"choice": "vit-gpt2", "justification": ""}}}, DUE["part1"] - day)    # 1 + 1 + 2
    hand_in(r1, p1, "s005", wrong_answers(p1), DUE["part1"] - 2 * day, folder="s005-first")
    hand_in(r1, p1, "s005", correct_answers(p1), DUE["part1"] - day)                               # 7 (later)
    hand_in(r1, p1, "S006", correct_answers(p1), DUE["part1"] + dt.timedelta(hours=1))             # 7 - 0.7
    mallory = hand_in(r1, p1, "s001", wrong_answers(p1), DUE["part1"] - dt.timedelta(hours=2), folder="mallory")
    mallory.rename(r1 / "mallory__part1.json")                       # named for mallory, claims s001
    hand_in(r1, p1, "x099", correct_answers(p1), DUE["part1"] - day)                               # 7, not on roster
    hidden = json.loads((r1 / "x099" / "x099__part1.json").read_text()) | {"student_id": "s007"}
    (r1 / "..__part1.json").write_text(json.dumps(hidden))
    hand_in(r1, p1, FORMULA, {"benefit": "a"}, DUE["part1"] - day, folder="sum")                   # 1
    # round 2: Part 2, and s002's Part 1 again from a machine whose clock is a fortnight behind
    for student, words, extra in (("s001", 198, {}), ("s002", 200, {}), ("s003", 260, {}),
                                  ("s005", 185, {"eval-strategy": "a"}), ("s006", 198, {})):
        answers = correct_answers(p2) | {"reflection": reflection(words)} | extra
        hand_in(r2, p2, student, answers, DUE["part2"] - dt.timedelta(hours=30))
    hand_in(r2, p1, "s002", correct_answers(p1), DUE["part1"] - 16 * day, folder="s002-again")
    return key_dir, key, (r1, r2, r3)


def _round3(key, r3):
    """Part 3 (answered on the version-1 copies) and s006's late Part 2 (one sentence more)."""
    p2, p3 = key["part2"], key["part3"]
    late = correct_answers(p2) | {"reflection": reflection(198) + " I would also check the labels by hand first."}
    hand_in(r3, p2, "s006", late, DUE["part2"] + dt.timedelta(days=4, hours=23))                   # 5 days late
    hand_in(r3, p3, "s001", correct_answers(p3) | {"reflection": reflection(160)}, DUE["part3"] - dt.timedelta(days=1))
    no_threshold = {k: v for k, v in correct_answers(p3).items() if k != "threshold-split"}
    hand_in(r3, p3, "s002", no_threshold, DUE["part3"] + dt.timedelta(days=1, hours=2))           # 2 days late
    hand_in(r3, p3, "s003", correct_answers(p3) | {"metrics-still-needed": "yes", "threshold-split": "Z",
                                                   "reflection": reflection(150)}, DUE["part3"] - dt.timedelta(hours=3))
    hand_in(r3, p3, "s005", correct_answers(p3), DUE["part3"] + dt.timedelta(hours=12))            # extension: on time


def test_the_second_term(tmp_path, capsys):
    key_dir, key, (r1, r2, r3) = _term(tmp_path)
    grades = tmp_path / "grades"
    dues = [f"--due={q}={d.isoformat()}" for q, d in DUE.items()]
    common = ["--key", key_dir, "--roster", tmp_path / "roster.csv", *dues, "--late-penalty", "per-day:10%"]
    out = grades / "gradebook.csv"

    # -- release: practice copies, Part 4 assessed; the assessed copy's header says what it holds
    student = tmp_path / "student" / "quizzes"
    assert _cli(capsys, "quiz", "release", "--src", key_dir, "--out", student, "--quiz-mode", "part4=assessed")[0] == 0
    header = (student / "part4.yml").read_text().splitlines()[0]
    assert "Assessed: it holds no answers" in header and "hashes" not in header
    assert "checked against the salted hashes" in (student / "part1.yml").read_text().splitlines()[0]

    # -- rounds 1 and 2, the roster as Canvas exports it
    code, printed, err = _cli(capsys, "quiz", "grade", r1, r2, *common, "--out", out)
    assert code == 0
    assert "line 2: skipped: no student on it (Canvas's posting-policy row" in err
    assert "line 3: skipped: Canvas's Points Possible row" in err
    assert "line 12: skipped: Canvas's test student ('Student, Test', from Student View)" in err
    rows = _rows(out)
    assert list(rows) == [*CLASS, FORMULA, "x099"]
    assert rows["s002"]["part1:total"] == "7"  # the round-2 file: collected later, whatever its clock says
    assert rows["s006"]["part2:reflection:review"] == "manual" and rows["s001"]["manual_review"] == "part2:reflection"

    # -- Part 2's reflections scored in manual.csv from the template (s003's left for later)
    page = grades / "part2.html"
    assert _cli(capsys, "quiz", "export-reflections", r1, r2, *common, "--question", "part2:reflection",
                "--out", page)[0] == 0
    manual = grades / "manual.csv"
    manual.write_text(_fill(grades / "part2_manual.csv", {"s001": "3", "s002": "3.5", "s005": "3", "s006": "3"}))

    # -- a key fixed without a new version: caught against the released copy, which names itself
    data = yaml.safe_load((key_dir / "part3.yml").read_text())
    next(q for q in data["questions"] if q["id"] == "threshold-split")["answer"] = "c"
    (key_dir / "part3.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    code, _, err = _cli(capsys, "quiz", "validate", key_dir, "--released", tmp_path / "student")
    assert code == 2
    assert re.search(rf"part3.yml: line \d+: question 'threshold-split': its answer changed since {student}/part3.yml "
                     rf"was released as version 1; bump `version` .* then release {student}/part3.yml again", err)
    assert err.strip().endswith(f"1 problem(s) in 1 of {len(key)} file(s)")
    code, _, err = _cli(capsys, "quiz", "grade", r1, r2, *common, "--released", student, "--out", grades / "x.csv")
    assert code == 0 and re.search(r"warning: \S+part3.yml: line \d+: question 'threshold-split': its answer changed",
                                   err)
    data["version"] = 2
    data["grading"] = {"earlier_versions": [{"version": 1, "changed": {"threshold-split": "full"}}]}
    (key_dir / "part3.yml").write_text(yaml.safe_dump(data, sort_keys=False))
    code, printed, _ = _cli(capsys, "quiz", "validate", key_dir, "--released", student)
    assert code == 0 and f"note: {student}/part3.yml holds version 1 of quiz 'part3', the key version 2" in printed
    _round3(key, r3)  # answered on the version-1 copies, before they were released again
    assert _cli(capsys, "quiz", "release", "--src", key_dir, "--out", student, "--overwrite",
                "--quiz-mode", "part4=assessed")[0] == 0
    code, printed, _ = _cli(capsys, "quiz", "validate", key_dir, "--released", student)
    assert code == 0 and "note:" not in printed

    # -- round 3: the template lists only what is not scored, and appending it whole works
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("student_id,quiz,days\ns005,part3,3\n")
    common += ["--extensions", extensions]
    everything = [r1, r2, r3, *common, "--manual", manual]
    assert _cli(capsys, "quiz", "export-reflections", *everything, "--question", "part2:reflection",
                "--out", grades / "part2-again.html")[0] == 0
    again = grades / "part2-again_manual.csv"
    assert [r.split(",")[0] for r in again.read_text().splitlines()[1:]] == ["s003"]
    assert _cli(capsys, "quiz", "export-reflections", *everything, "--question", "part3:reflection",
                "--out", grades / "part3.html")[0] == 0
    with manual.open("a") as handle:  # `cat TEMPLATE >> manual.csv`, as quizzes/README.md says
        handle.write(_fill(again, {"s003": "2"}) + _fill(grades / "part3_manual.csv", {"s001": "3.5"}))
    code, printed, err = _cli(capsys, "quiz", "grade", *everything, "--out", out, "--lms", "canvas")
    assert code == 0
    assert "graded 17 submission(s) from 8 student(s); 10 row(s); 2 file(s) rejected, 3 not graded in favour of " \
           "another file of the same student" in printed
    _check_the_gradebook(_rows(out), grades)
    _check_the_rejected(grades, r1, r2, r3)
    _check_canvas(grades / "gradebook_canvas.csv", key)

    # -- the same command again: nothing changed, no backup; without --manual: refused, naming --manual
    backups = sorted(grades.glob("*.backup-*"))
    code, printed, _ = _cli(capsys, "quiz", "grade", *everything, "--out", out, "--lms", "canvas")
    assert code == 0 and "the gradebook is unchanged (no backup kept)" in printed
    assert sorted(grades.glob("*.backup-*")) == backups
    code, _, err = _cli(capsys, "quiz", "grade", r1, r2, r3, *common, "--out", out)
    assert code == 2 and "s001 part2:reflection = 3 (from the --manual file of an earlier run: pass it again" in err
    assert "typed into the gradebook" not in err
    # --lms moodle: the Canvas file of the earlier run is moved aside and named
    code, printed, _ = _cli(capsys, "quiz", "grade", *everything, "--out", out, "--lms", "moodle")
    assert code == 0 and not (grades / "gradebook_canvas.csv").exists()
    assert re.search(r"moved \S+/gradebook_canvas.csv aside to \S+/gradebook_canvas.backup-\S+\.csv", printed)
    # s003's Part 3 reflection scored at last: the gradebook and the Moodle file change, both kept as backups
    with manual.open("a") as handle:
        handle.write("s003,part3:reflection,2.5,,\n")  # typed by hand, without the text's hash
    code, printed, _ = _cli(capsys, "quiz", "grade", *everything, "--out", out, "--lms", "moodle")
    assert code == 0 and "kept the previous gradebook as" in printed and "  s003: part3:total 4 -> 6.5; total 14 -> " \
        "16.5" in printed and re.search(r"kept the previous moodle import file as \S+gradebook_moodle.backup-", printed)
    assert _rows(out)["s003"]["manual_review"] == "" and "scored without a text_hash" in _rows(out)["s003"]["part3:notes"]

    _late_work_policies(tmp_path, everything)
    _feedback_pages(tmp_path, everything, key)
    _no_roster_no_formula(tmp_path, r1, r2, r3, dues)


def _check_the_gradebook(rows: dict, grades) -> None:
    assert list(rows) == [*CLASS, FORMULA, "x099"]
    assert [rows[s]["name"] for s in CLASS[:3]] == ["Ångström, Åsa", "Müller, Jörg", "O'Brien, Siobhán"]
    totals = {s: (rows[s]["part1:total"], rows[s]["part2:total"], rows[s]["part3:total"], rows[s]["total"])
              for s in rows}
    assert totals == {
        "s001": ("7", "10", "8.5", "25.5"),        # 7 | 7 + 3 | 5 (threshold-split full) + 3.5
        "s002": ("7", "10.5", "3.2", "20.7"),      # round 2's file | 7 + 3.5 | 4 + 1 full - 2 days x 0.9
        "s003": ("1", "9", "4", "14"),             # deploy-runtime only | 7 + 2 | 3 right + 1 full, invalid 0
        "s004": ("4", "0", "0", "4"),              # 1 + 1 + 2 of 3 items (one unjustified) | missing | missing
        "s005": ("7", "9", "5", "21"),             # the later round-1 file | 6 + 3 | on time by the extension
        "s006": ("6.3", "10", "0", "16.3"),        # 7 - 1 day x 0.7 | the on-time file: 7 + 3 | missing
        "s007": ("0", "0", "0", "0"),
        "s008": ("0", "0", "0", "0"),
        FORMULA: ("1", "0", "0", "1"),
        "x099": ("7", "0", "0", "7"),
    }
    s003, s002, s004 = rows["s003"], rows["s002"], rows["s004"]
    assert [s003[f"part1:{q}"] for q in ("benefit", "deploy-runtime", "new-head", "why-fine-tune", "application")] \
        == ["0", "1", "0", "0", "0"]
    assert s003["part1:notes"] == (
        "benefit: invalid answer: ['a'] is not one of the options a, b, c, d; new-head: invalid answer: 'B' is not "
        "one of the options a, b, c, d; why-fine-tune: invalid answer: 'a' is not a list of option ids; application: "
        "invalid answer: 'bert' is not {item: {choice, justification}}")
    assert s003["part2:reflection:words"] == "260" and s003["part2:reflection:in_range"] == "no"
    assert s003["part2:reflection"] == "2" and s003["manual_review"] == "part3:reflection"
    assert s003["part3:threshold-split"] == "1" and s003["part3:metrics-still-needed"] == "0"
    assert "threshold-split: full points (changed question); the answer was invalid: 'Z' is not one of the options" \
        in s003["part3:notes"] and "metrics-still-needed: invalid answer: 'yes' is not true or false" in s003["part3:notes"]
    assert s002["part3:threshold-split"] == "1" and s002["part3:auto_score"] == "5"
    assert s002["part3:unanswered"] == "reflection" and s002["part3:late_penalty"] == "1.8"
    assert "threshold-split: full points (changed question); not answered" in s002["part3:notes"]
    assert "answered version 1, graded against version 2" in s002["part3:notes"]
    assert s004["part1:application"] == "2" and s004["part1:unanswered"] == "new-head;why-fine-tune"
    assert rows["s005"]["part3:late"] == "no" and "extension to 2026-12-04T23:59:00+00:00" in rows["s005"]["part3:notes"]
    assert rows["s006"]["part1:late"] == "yes" and "submitted as 'S006', matched to the roster by id" in rows["s006"]["notes"]
    assert rows["s006"]["part2:reflection"] == "3" and rows["s006"]["part2:late"] == "no"
    assert rows["s007"]["part1:status"] == "missing"  # the hidden file naming s007 was not read
    assert rows["s008"]["part1:status"] == ("rejected: the file name is for student 'mallory' but the file holds "
                                            "student_id 's001', quiz 'part1': not graded (rename it if it is that "
                                            "student's work)")
    assert rows["s001"]["part1:total"] == "7"  # mallory's later file did not replace s001's
    assert rows["x099"]["roster"] == "not on roster" and rows[FORMULA]["roster"] == "not on roster"
    assert [s for s in rows if rows[s]["manual_review"]] == ["s003"]
    assert _live_formulas(grades) == []


def _check_the_rejected(grades, r1, r2, r3) -> None:
    with (grades / "gradebook_rejected.csv").open(newline="", encoding="utf-8") as handle:
        rejected = {r["file"]: r for r in csv.DictReader(handle)}
    assert set(rejected) == {str(p) for p in (r1 / "s002" / "s002__part1.json", r1 / "s005-first" / "s005__part1.json",
                                              r1 / "mallory__part1.json", r1 / "..__part1.json",
                                              r3 / "s006" / "s006__part2.json")}
    assert rejected[str(r1 / "s002" / "s002__part1.json")]["reason"] == (
        f"duplicate: {r2 / 's002-again' / 's002__part1.json'} is graded instead (latest wins)")
    assert rejected[str(r3 / "s006" / "s006__part2.json")]["reason"] == (
        f"late resubmission: the on-time {r2 / 's006' / 's006__part2.json'} is graded instead (a late file replaces "
        "on-time work only with --late-resubmissions replace)")
    hidden = rejected[str(r1 / "..__part1.json")]
    assert hidden["student_id"] == "" and hidden["reason"].startswith("hidden file or folder ('..__part1.json'")
    assert rejected[str(r1 / "mallory__part1.json")]["student_id"] == "s008"


def _check_canvas(path, key) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas[1] == ["Points Possible", "", "", "", "", *points_possible(key)]
    later = [""] * (len(key) - 3)  # no submission to the quizzes after part 3
    assert canvas[2] == ["Ångström, Åsa", "201", "s001", "aangstrom", "Sec 1", "7", "10", "8.5", *later]
    assert canvas[8] == ["Kowalski, Piotr", "207", "s007", "pkowalski", "Sec 2", *[""] * len(key)]
    assert canvas[9] == ["Lee, Mallory", "208", "s008", "mallory", "Sec 2", *[""] * len(key)]
    assert len(canvas) == 10  # the header, Points Possible, the eight students: no test student, no stranger


def _late_work_policies(tmp_path, everything) -> None:
    """Only an explicit rule grades s006's late Part 2, whose changed text goes back to review."""
    replaced = tmp_path / "replace" / "gradebook.csv"
    assert main(["quiz", "grade", *map(str, everything), "--late-resubmissions", "replace", "--out", str(replaced)]) == 0
    s006 = _rows(replaced)["s006"]
    # 7 auto + no manual score for the new text - min(7, 5 days x 1.1) = 1.5
    assert (s006["part2:auto_score"], s006["part2:late_penalty"], s006["part2:total"], s006["total"]) == \
        ("7", "5.5", "1.5", "7.8")
    assert s006["part2:reflection"] == "" and s006["part2:reflection:review"] == "rescore"
    assert s006["manual_review"] == "part2:reflection" and "5 day(s) late" in s006["part2:notes"]
    assert re.search(r"reflection: the text changed after it was scored: 3 \(\S+manual.csv: line \d+\) was for "
                     r"another text \(its text_hash\); score it again", s006["part2:notes"])
    best = tmp_path / "best" / "gradebook.csv"
    assert main(["quiz", "grade", *map(str, everything), "--duplicates", "best", "--out", str(best)]) == 0
    assert _rows(best)["s006"]["part2:total"] == "10"  # 10 on time against 1.5 late
    with (best.parent / "gradebook_rejected.csv").open(newline="") as handle:
        reasons = [r["reason"] for r in csv.DictReader(handle) if r["student_id"] == "s006"]
    assert reasons == [f"duplicate: {tmp_path / 'round2' / 's006' / 's006__part2.json'} is graded instead (best "
                       "total wins: 10 against 1.5)"]
    template = tmp_path / "replace" / "part2_manual.csv"
    assert main(["quiz", "export-reflections", *map(str, everything), "--late-resubmissions", "replace",
                 "--question", "part2:reflection", "--out", str(tmp_path / "replace" / "part2.html")]) == 0
    assert [r.split(",")[0] for r in template.read_text().splitlines()[1:]] == ["s006"]


def _feedback_pages(tmp_path, everything, key) -> None:
    out = tmp_path / "feedback"
    assert main(["quiz", "feedback", *map(str, everything), "--out", str(out), "--now", "2026-12-20T00:00+00:00"]) == 0
    s004 = html.unescape((out / "s004.html").read_text())
    assert "right choice, but no points: it needs a one-line justification of 3 to 40 words" in s004
    s002 = html.unescape((out / "s002.html").read_text())
    assert "Points: 1 / 1 (full points: the question changed after you answered it)" in s002
    assert "Total: 3.2 / 9" in s002 and f"Total over all quizzes: 20.7 / {course_points(key)}" in s002


def _no_roster_no_formula(tmp_path, r1, r2, r3, dues) -> None:
    """The README's short command, no roster: the formula id is inert in every file, still matchable."""
    folder = tmp_path / "open"
    for lms in ("canvas", "moodle"):
        assert main(["quiz", "grade", str(r1), str(r2), str(r3), "--key", str(tmp_path / "key"), *dues,
                     "--out", str(folder / f"{lms}.csv"), "--lms", lms]) == 0
    assert _live_formulas(folder) == []
    with (folder / "canvas_canvas.csv").open(newline="") as handle:
        sis = {row[2] for row in csv.reader(handle)}
    assert f"'{FORMULA}" in sis
    extensions = folder / "extensions.csv"  # the id as the files write it (apostrophe and all) matches its student
    extensions.write_text(f"student_id,quiz,days\n'{FORMULA},part1,3\n")
    assert main(["quiz", "grade", str(r1), "--key", str(tmp_path / "key"), *dues, "--extensions", str(extensions),
                 "--out", str(folder / "again.csv")]) == 0
    assert "extension to 2026-10-04T23:59:00+00:00" in _rows(folder / "again.csv")[FORMULA]["part1:notes"]


def test_a_moodle_class_list_read_as_exported(tmp_path, capsys):
    """Moodle's grade export (tab-separated here, as its form allows): First name / Last name, an
    empty ID number (the e-mail is the id then), and the import file Moodle maps by e-mail."""
    key = load_quizzes(QUIZ_DIR)
    roster = tmp_path / "moodle.txt"
    roster.write_text("First name\tLast name\tID number\tInstitution\tDepartment\tEmail address\t"
                      "Quiz: Part 1 (Real)\tLast downloaded from this course\n"
                      "Åsa\tÅngström\ts001\tUni\tCS\tasa@uni.example\t-\t1764633600\n"
                      "Jörg\tMüller\t\tUni\tCS\tjorg@uni.example\t-\t1764633600\n", encoding="utf-8")
    subs = tmp_path / "subs"
    hand_in(subs, key["part1"], "S001", correct_answers(key["part1"]), DUE["part1"])
    hand_in(subs, key["part1"], "jorg@uni.example", wrong_answers(key["part1"]), DUE["part1"])
    out = tmp_path / "gradebook.csv"
    code, _, err = _cli(capsys, "quiz", "grade", subs, "--key", QUIZ_DIR, "--roster", roster, "--out", out,
                        "--lms", "moodle")
    assert code == 0 and "line 3: no 'student_id'" not in err
    assert "line 3: no 'id number'; the student's id is 'jorg@uni.example'" in err
    rows = _rows(out)
    assert list(rows) == ["s001", "jorg@uni.example"]
    assert (rows["s001"]["name"], rows["s001"]["email"], rows["s001"]["part1:total"]) == ("Åsa Ångström",
                                                                                          "asa@uni.example", "7")
    assert rows["jorg@uni.example"]["name"] == "Jörg Müller" and rows["jorg@uni.example"]["part1:total"] == "0"
    with (tmp_path / "gradebook_moodle.csv").open(newline="", encoding="utf-8") as handle:
        moodle = list(csv.reader(handle))
    assert moodle[1][:4] == ["s001", "asa@uni.example", "Åsa Ångström", "7"]
    assert moodle[2][:4] == ["", "jorg@uni.example", "Jörg Müller", "0"]

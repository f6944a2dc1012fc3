"""Issue 13: every ``coursekit quiz ...`` command, fed bad input, answers with a one-line
error and exit status 2, never a traceback; crafted YAML cannot blow up memory or time."""
from __future__ import annotations

import json
import shutil
import time

import pytest
from quiz_support import QUIZ_DIR, correct_answers, hand_in, raw_quiz, write_quiz

from coursekit.cli import main
from coursekit.errors import QuizError
from coursekit.quiz.quizfile import load_quiz, load_quizzes

ALIAS_BOMB = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))


def _key_text(change) -> str:
    import yaml

    data = raw_quiz("part1")
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


BAD_KEYS = {
    "alias bomb": ("part1.yml", ALIAS_BOMB.encode(), "YAML aliases (*a) are not allowed"),
    "impossible date": ("part1.yml", (QUIZ_DIR / "part1.yml").read_bytes().replace(
        b"release_mode: practice", b"release_mode: practice\ndue: 2026-02-30T23:59:00+00:00"),
        "field 'due': '2026-02-30T23:59:00+00:00' is not an ISO 8601 date-time"),
    "not UTF-8": ("part1.yml", (QUIZ_DIR / "part1.yml").read_bytes().replace(b"Fundamentals", b"Fundamentals \xe9"),
                  "not UTF-8 text (byte 0xe9"),
    "integer key": ("part1.yml", (QUIZ_DIR / "part1.yml").read_bytes().replace(b"version: 1", b"version: 1\n1: x"),
                    "key 1 is not text"),
    "integer key in a question": ("part1.yml", _key_text(lambda d: d["questions"][0].update({7: "x"})).encode(),
                                  "field 'questions[0]': key 7 is not text"),
    "yes as a key": ("part1.yml", (QUIZ_DIR / "part1.yml").read_bytes().replace(b"version: 1", b"version: 1\nyes: x"),
                     "key True is not text"),
    "deep nesting": ("part1.yml", b"[" * 100_000 + b"]" * 100_000, "nested"),
    "deep JSON": ("part1.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "huge integer JSON": ("part1.json", b'{"id": "part1", "version": ' + b"9" * 5000 + b"}", "cannot be read as a quiz file"),
    "NaN in JSON": ("part1.json", json.dumps(raw_quiz("part1")).replace('"points": 1', '"points": NaN', 1).encode(),
                    "NaN is not a number JSON allows"),
    "too large": ("part1.yml", b"# " + b"x" * 1_100_000, "too large for a quiz file"),
    "a list, not a mapping": ("part1.yml", b"- id: part1\n", "must hold a mapping"),
    "empty": ("part1.yml", b"", "must hold a mapping"),
    "bad YAML": ("part1.yml", b"id: [unclosed\n", "not valid YAML"),
}


def _run(argv, capsys) -> tuple[int, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture()
def subs(tmp_path):
    key = load_quizzes(QUIZ_DIR)
    root = tmp_path / "subs"
    hand_in(root, key["part1"], "s1", correct_answers(key["part1"]), __import__("datetime").datetime(
        2026, 12, 1, tzinfo=__import__("datetime").timezone.utc))
    return root


@pytest.mark.parametrize("label", list(BAD_KEYS))
def test_every_command_refuses_a_bad_key_file_in_one_line(tmp_path, subs, capsys, label):
    name, content, message = BAD_KEYS[label]
    key = tmp_path / "key"
    key.mkdir()
    (key / name).write_bytes(content)
    started = time.monotonic()
    commands = [
        ["quiz", "validate", key],
        ["quiz", "release", "--src", key, "--out", tmp_path / "student"],
        ["quiz", "grade", subs, "--key", key, "--out", tmp_path / "g.csv"],
        ["quiz", "feedback", subs, "--key", key, "--out", tmp_path / "fb"],
        ["quiz", "export-reflections", subs, "--key", key, "--question", "part1:x", "--out", tmp_path / "r.html"],
    ]
    for argv in commands:
        code, output = _run(argv, capsys)
        assert code == 2, (argv, output)
        assert "Traceback" not in output and message in output, (argv[1], output)
        assert output.strip().splitlines()[-1].startswith("coursekit quiz: error: "), output
    assert time.monotonic() - started < 60  # the alias bomb took 46 s and 5.5 GB per load before
    assert not (tmp_path / "student").exists() and not (tmp_path / "g.csv").exists()


def _bad_tables(tmp_path):
    files = {
        "roster not UTF-8": ("roster.csv", b"id\nr\xe9my\n", ["--roster"], "not UTF-8 text"),
        "roster without ids": ("roster.csv", b"name,mail\nAda,a@x\n", ["--roster"], "no student id column"),
        "empty roster": ("roster.csv", b"", ["--roster"], "empty file"),
        "roster with a blank id": ("roster.csv", b"id,name\n,Ada\n", ["--roster"], "cell is empty"),
        "manual with bad points": ("manual.csv", b"student_id,question,points\ns1,part2:reflection,x\n", ["--manual"],
                                   "is not a number"),
        "manual for a quiz question": ("manual.csv", b"student_id,question,points\ns1,part1:benefit,1\n", ["--manual"],
                                       "is auto-graded"),
        "extensions with a bad date": ("ext.csv", b"student_id,quiz,due\ns1,part1,soon\n", ["--extensions"],
                                       "is not an ISO 8601 date"),
        "codes without columns": ("codes.csv", b"x\n1\n", ["--codes"], "no code, student_id column"),
        "missing file": ("absent.csv", None, ["--roster"], "cannot read"),
    }
    for label, (name, content, option, message) in files.items():
        path = tmp_path / name
        if path.exists():
            path.unlink()
        if content is not None:
            path.write_bytes(content)
        extra = ["--manual", tmp_path / "ok-manual.csv"] if option == ["--codes"] else []
        yield label, [*option, path, *extra], message


def test_every_grading_command_refuses_bad_companion_files(tmp_path, subs, capsys):
    (tmp_path / "ok-manual.csv").write_text("student_id,question,points\n")
    for label, options, message in _bad_tables(tmp_path):
        for command, out in (("grade", tmp_path / "g.csv"), ("feedback", tmp_path / "fb"),
                             ("export-reflections", tmp_path / "r.html")):
            extra = ["--question", "part2:reflection"] if command == "export-reflections" else []
            code, output = _run(["quiz", command, subs, "--key", QUIZ_DIR, "--out", out, *extra, *options], capsys)
            assert code == 2 and "Traceback" not in output and message in output, (label, command, output)
            assert len(output.strip().splitlines()) == 1, output


BAD_ARGS = [
    (["quiz", "grade", "{subs}", "--key", "{tmp}/nowhere", "--out", "{tmp}/g.csv"], "quiz folder not found"),
    (["quiz", "grade", "{tmp}/nothing-here", "--key", QUIZ_DIR, "--out", "{tmp}/g.csv"], "no such file or folder"),
    (["quiz", "grade", "{junk}", "--key", QUIZ_DIR, "--out", "{tmp}/g.csv"], "no submission could be graded"),
    (["quiz", "grade", "{subs}", "--key", QUIZ_DIR, "--out", "{tmp}/g.csv", "--due", "tomorrow"], "is not an ISO 8601"),
    (["quiz", "grade", "{subs}", "--key", QUIZ_DIR, "--out", "{tmp}/g.csv", "--lms", "blackboard"], "invalid choice"),
    (["quiz", "grade", "{subs}", "--key", "{student}", "--out", "{tmp}/g.csv"], "cannot serve as the answer key"),
    (["quiz", "feedback", "{subs}", "--key", QUIZ_DIR, "--out", "{tmp}/fb", "--now", "later"], "is not an ISO 8601"),
    (["quiz", "export-reflections", "{subs}", "--key", QUIZ_DIR, "--out", "{tmp}/r.html", "--question", "part1"],
     "not a reflection in the key"),
    (["quiz", "release", "--src", QUIZ_DIR, "--out", "{student}"], "not empty"),
    (["quiz", "release", "--src", QUIZ_DIR, "--out", "{tmp}/s2", "--quiz-mode", "part1=exam"], "expected QUIZ=practice"),
    (["quiz", "validate", "{tmp}/nowhere.yml"], "no such quiz file or folder"),
    (["quiz", "submit", "--quiz", "part1", "--student", "", "--dir", "{tmp}/x"], "enter your student id"),
    (["quiz", "submit", "--quiz", "part1", "--student", "nobody", "--dir", "{subs}/s1"], "no saved answers"),
    (["quiz", "submit", "--quiz", "part1", "--student", "deep", "--dir", "{junk}"], "nested too deeply"),
    (["quiz", "submit", "--quiz", "part1", "--student", "s1", "--dir", "{subs}/s1", "--out", "{tmp}/file.txt/x.json"],
     "cannot"),
]


@pytest.mark.parametrize("argv,message", BAD_ARGS, ids=[" ".join(map(str, a[:2])) + f" #{i}" for i, (a, _) in enumerate(BAD_ARGS)])
def test_bad_arguments_and_submissions(tmp_path, subs, capsys, argv, message):
    from coursekit.quiz.quizfile import release_quizzes

    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "deep__part1.json").write_text("[" * 100_000)
    (junk / "other.json").write_text('{"answers": ' + "1" * 5000 + "}")
    release_quizzes(QUIZ_DIR, tmp_path / "student-copy")
    (tmp_path / "file.txt").write_text("a file, not a folder")
    names = {"{subs}": subs, "{tmp}": tmp_path, "{junk}": junk, "{student}": tmp_path / "student-copy"}
    filled = []
    for arg in argv:
        text = str(arg)
        for name, value in names.items():
            text = text.replace(name, str(value))
        filled.append(text)
    code, output = _run(filled, capsys)
    assert code == 2 and "Traceback" not in output and message in output, output


def test_the_alias_bomb_is_refused_at_once_by_the_library_too(tmp_path):
    path = tmp_path / "bomb.yml"
    path.write_text(ALIAS_BOMB)
    started = time.monotonic()
    with pytest.raises(QuizError, match="line 2: YAML aliases"):
        load_quiz(path)
    assert time.monotonic() - started < 5


def test_yaml_dates_stay_text_and_are_checked(tmp_path):
    shutil.copy(QUIZ_DIR / "part1.yml", tmp_path / "part1.yml")
    path = write_quiz(tmp_path, raw_quiz("part1") | {"due": "2026-12-15T23:59:00+00:00"})
    assert load_quiz(path).due.isoformat() == "2026-12-15T23:59:00+00:00"
    path.write_text(path.read_text().replace("'2026-12-15T23:59:00+00:00'", "2026-12-15"))
    with pytest.raises(QuizError, match="field 'due': give a time zone"):
        load_quiz(path)

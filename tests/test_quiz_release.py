"""Student copies: no plain answer, explanation or rubric; the instructor key is untouched."""
from __future__ import annotations

import hashlib
import re
import shutil

import pytest
import yaml
from quiz_support import QUIZ_DIR, raw_quiz, write_quiz

from coursekit.cli import main
from coursekit.errors import QuizError
from coursekit.quiz.answers import answer_hash
from coursekit.quiz.quizfile import release_quiz, release_quizzes
from coursekit.quiz.quizfile import load_quiz, load_quizzes, parse_quiz


def _keys(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def _secrets(quiz) -> list[str]:
    """Text that must never appear in a student copy: explanations and rubric points."""
    found = []
    for question in quiz.questions:
        if question.explanation:
            found.append(question.explanation)
        found += [item.explanation for item in question.items if item.explanation]
        for point in question.rubric:
            found.append(point.point)
    return found


@pytest.fixture()
def instructor(tmp_path):
    folder = tmp_path / "instructor"
    shutil.copytree(QUIZ_DIR, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


@pytest.mark.parametrize("mode", ["practice", "assessed"])
def test_release_holds_no_plain_answer_or_rubric(instructor, tmp_path, mode):
    before = {p.name: p.read_bytes() for p in instructor.iterdir()}
    written = release_quizzes(instructor, tmp_path / "student", mode=mode)
    assert sorted(p.name for p in written) == ["part1.yml", "part2.yml", "part3.yml", "part4.yml", "part5.yml"]
    key = load_quizzes(instructor)
    for path in written:
        text = path.read_text()
        data = yaml.safe_load(text)
        keys = set(_keys(data))
        assert not keys & {"answer", "explanation", "rubric", "keywords", "release_mode"}, keys
        flat = _squash(text)
        for secret in _secrets(key[data["id"]]):
            # no sentence of an explanation or a rubric point survives, even in part
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(secret.split())):
                if len(sentence) > 25:
                    assert _squash(sentence) not in flat, (path.name, sentence)
        if mode == "assessed":
            assert not keys & {"answer_hash", "explanation_locked", "salt", "hint", "grading"}
        else:
            assert "answer_hash" in keys and "explanation_locked" in keys and "hint" in keys
            assert "grading" not in keys
        student = load_quiz(path)  # valid as a student copy
        assert student.mode == mode and student.version == key[data["id"]].version
    assert {p.name: p.read_bytes() for p in instructor.iterdir()} == before


def test_default_modes_come_from_each_quiz_and_can_be_overridden(instructor, tmp_path):
    release_quizzes(instructor, tmp_path / "a")  # practice unless the instructor says otherwise
    assert {q.id: q.mode for q in load_quizzes(tmp_path / "a").values()} == {
        "part1": "practice", "part2": "practice", "part3": "practice", "part4": "practice", "part5": "practice"}
    release_quizzes(instructor, tmp_path / "b", mode={"part1": "assessed"})
    assert load_quizzes(tmp_path / "b")["part1"].mode == "assessed"
    with pytest.raises(QuizError, match="unknown quiz"):
        release_quizzes(instructor, tmp_path / "c", mode={"part9": "assessed"})


def test_each_release_uses_a_new_salt(instructor):
    quiz = load_quiz(instructor / "part1.yml")
    first, second = release_quiz(quiz, "practice"), release_quiz(quiz, "practice")
    assert first["release"]["salt"] != second["release"]["salt"]
    assert first["questions"][0]["answer_hash"] != second["questions"][0]["answer_hash"]
    # the hash is salted: the bare answer's hash is not in the file
    assert hashlib.sha256(b"a").hexdigest() not in yaml.safe_dump(first)


def test_practice_hashes_can_be_brute_forced_as_documented(instructor):
    """The README says a determined student can test each option against the hash: true."""
    quiz = load_quiz(instructor / "part1.yml")
    copy = parse_quiz(release_quiz(quiz, "practice"), source="copy")
    question = copy.question("benefit")
    matches = [o for o in question.option_ids if answer_hash(copy.salt, question.id, o) == question.answer_hash]
    assert matches == [quiz.question("benefit").answer]


def test_release_refuses_to_overwrite_the_key_or_a_student_copy_as_source(instructor, tmp_path):
    with pytest.raises(QuizError, match="instructor's quiz folder"):
        release_quizzes(instructor, instructor)
    release_quizzes(instructor, tmp_path / "student")
    with pytest.raises(QuizError, match="already a released"):
        release_quizzes(tmp_path / "student", tmp_path / "again")


def test_a_bad_source_writes_nothing(instructor, tmp_path):
    data = raw_quiz("part2")
    data["questions"][0]["answer"] = "zz"
    write_quiz(instructor, data)
    out = tmp_path / "student"
    with pytest.raises(QuizError, match=r"part2.yml: line \d+: question 'eval-strategy': field 'answer'"):
        release_quizzes(instructor, out)
    assert not out.exists()


def test_student_copy_with_answer_material_is_rejected(instructor, tmp_path):
    data = release_quiz(load_quiz(instructor / "part3.yml"), "assessed")
    data["questions"][0]["answer"] = False
    path = write_quiz(tmp_path, data)
    with pytest.raises(QuizError, match=r"question 'metrics-still-needed': field 'answer': a released assessed copy"):
        load_quiz(path)


def test_cli_release(instructor, tmp_path, capsys):
    out = tmp_path / "student"
    assert main(["quiz", "release", "--src", str(instructor), "--out", str(out),
                 "--mode", "practice", "--quiz-mode", "part2=assessed"]) == 0
    assert capsys.readouterr().out.count("wrote ") == 5
    modes = {q.id: q.mode for q in load_quizzes(out).values()}
    assert modes == {"part1": "practice", "part2": "assessed", "part3": "practice", "part4": "practice",
                     "part5": "practice"}
    assert main(["quiz", "release", "--src", str(instructor), "--out", str(tmp_path / "x"),
                 "--quiz-mode", "part2=graded"]) == 2


def test_cli_release_refuses_a_non_empty_out_like_release_does(instructor, tmp_path, capsys):
    out = tmp_path / "student"
    out.mkdir()
    (out / "notes.txt").write_text("a student's notes")
    assert main(["quiz", "release", "--src", str(instructor), "--out", str(out)]) == 2
    assert "not empty; choose a new folder or pass --overwrite" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert main(["quiz", "release", "--src", str(instructor), "--out", str(out), "--overwrite"]) == 0
    assert (out / "notes.txt").read_text() == "a student's notes" and (out / "part1.yml").exists()


def test_a_hint_survives_practice_release_only(instructor, tmp_path):
    key = load_quiz(instructor / "part2.yml")
    practice = parse_quiz(release_quiz(key, "practice"), source="practice")
    assessed = parse_quiz(release_quiz(key, "assessed"), source="assessed")
    for question in key.questions:
        if question.hint:
            assert practice.question(question.id).hint == question.hint
            assert assessed.question(question.id).hint is None
    data = release_quiz(key, "assessed")
    data["questions"][0]["hint"] = "smuggled"
    with pytest.raises(QuizError, match="field 'hint': an assessed copy must carry no answer material"):
        parse_quiz(data, source="assessed")

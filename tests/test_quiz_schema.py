"""Quiz files: the shipped quizzes are valid and hold the assignment's content; malformed
files fail with a message naming the file, the question and the field."""
from __future__ import annotations

import copy
import json
import re

import pytest
from quiz_support import QUIZ_DIR, raw_quiz, write_quiz

from coursekit.cli import main
from coursekit.errors import QuizError
from coursekit.quiz.model import AUTO_GRADED_KINDS, KINDS
from coursekit.quiz.quizfile import find_quiz_dir, load_quiz, load_quizzes


def test_shipped_quizzes_are_valid_and_cover_every_kind():
    quizzes = load_quizzes(QUIZ_DIR)
    assert sorted(quizzes) == ["part1", "part2", "part3", "part4", "part5"]
    kinds = {q.kind for quiz in quizzes.values() for q in quiz.questions}
    assert kinds == set(KINDS)
    for quiz in quizzes.values():
        assert quiz.is_key and quiz.version
        for question in quiz.questions:
            assert question.points > 0 and question.objective and question.prompt
            if question.kind in AUTO_GRADED_KINDS:
                assert question.explanation


def test_assignment_answers_are_the_keys():
    quizzes = load_quizzes(QUIZ_DIR)
    p1, p2, p3 = quizzes["part1"], quizzes["part2"], quizzes["part3"]
    benefit = p1.question("benefit")
    assert benefit.option_text(benefit.answer) == "It reduces the need for computational resources."
    runtime = p1.question("deploy-runtime")
    assert runtime.option_text(runtime.answer) == "ONNX Runtime"
    app = p1.question("application")
    chosen = {item.prompt: app.option_text(item.answer) for item in app.items}
    assert chosen["Legal document summarization"].startswith("BERT")
    assert chosen["Sentiment analysis of customer reviews"].startswith("DistilBERT")
    assert chosen["Image captioning"].startswith("ViT") and "GPT-2" in chosen["Image captioning"]
    assert app.justification["required"] is True
    statements = {q.prompt: q.answer for q in p3.questions if q.kind == "true_false"}
    assert statements["Fine-tuning eliminates the need for evaluation metrics."] is False
    assert statements["Azure Machine Learning provides tools for real-time monitoring of deployed models."] is True
    r2, r3 = p2.question("reflection"), p3.question("reflection")
    assert r2.min_words <= 200 <= r2.max_words and (r3.min_words, r3.max_words) == (150, 200)
    assert {"overfitting", "bias", "compute"} <= {p.id for p in r2.rubric}
    lessons = {q.id for q in p2.questions}
    assert {"eval-strategy", "test-split", "dynamic-padding"} <= lessons
    assert p2.question("eval-strategy").option_text(p2.question("eval-strategy").answer) == 'eval_strategy="epoch"'


def _mutate(data: dict, change) -> dict:
    data = copy.deepcopy(data)
    change(data)
    return data


def _question(data, qid):
    return next(q for q in data["questions"] if q["id"] == qid)


MALFORMED = [
    ("unknown kind", lambda d: _question(d, "benefit").update(kind="essay"), "benefit", "kind"),
    ("answer not an option", lambda d: _question(d, "benefit").update(answer="z"), "benefit", "answer"),
    ("missing points", lambda d: _question(d, "new-head").pop("points"), "new-head", "points"),
    ("negative points", lambda d: _question(d, "new-head").update(points=-1), "new-head", "points"),
    ("infinite points", lambda d: _question(d, "new-head").update(points=float("inf")), "new-head", "points"),
    ("missing explanation", lambda d: _question(d, "label-names").pop("explanation"), "label-names", "explanation"),
    ("true/false answer not bool", lambda d: _question(d, "label-names").update(answer="nope"), "label-names", "answer"),
    ("unknown field", lambda d: _question(d, "benefit").update(tip="x"), "benefit", "tip"),
    ("options on true/false", lambda d: _question(d, "label-names").update(options=[{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]), "label-names", "options"),
    ("item answer not an option", lambda d: _question(d, "application")["items"][1].update(answer="gpt3"), "application", "items[1].answer"),
    ("multi-select unknown option", lambda d: _question(d, "why-fine-tune").update(answer=["a", "q"]), "why-fine-tune", "answer"),
    ("duplicate question id", lambda d: _question(d, "new-head").update(id="benefit"), "benefit", "id"),
    ("duplicate option id", lambda d: _question(d, "benefit")["options"][1].update(id="a"), "benefit", "options"),
    ("hash in a key", lambda d: _question(d, "benefit").update(answer_hash="0" * 64), "benefit", "answer_hash"),
    ("hint quotes the answer", lambda d: _question(d, "benefit").update(hint="Hint: it reduces the need for computational resources."), "benefit", "hint"),
    ("hint says true or false", lambda d: _question(d, "label-names").update(hint="It is false."), "label-names", "hint"),
    ("hint on a reflection", lambda d: _question(d, "reflection").update(hint="write more"), "reflection", "hint"),
]


def _with_everything() -> dict:
    """Part 1 plus Part 2's true/false and reflection questions: every kind in one file."""
    data = raw_quiz("part1")
    data["questions"] += [_question(raw_quiz("part2"), "label-names"), _question(raw_quiz("part2"), "reflection")]
    return data


def _question_lines(text: str, qid: str, nth: int = 1) -> range:
    """The lines (1-based) of the ``nth`` question with id ``qid`` in a file written by write_quiz."""
    lines = text.splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line.startswith("- id: ")]
    start = [i for i in starts if lines[i - 1] == f"- id: {qid}"][nth - 1]
    return range(start, next((i for i in starts if i > start), len(lines) + 1))


@pytest.mark.parametrize("label,change,qid,field", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_quiz_names_file_line_question_and_field(tmp_path, label, change, qid, field):
    path = write_quiz(tmp_path, _mutate(_with_everything(), change))
    with pytest.raises(QuizError) as info:
        load_quiz(path)
    message = str(info.value)
    line = re.match(rf"{re.escape(str(path))}: line (\d+): question {re.escape(repr(qid))}: field '{re.escape(field)}'",
                    message)
    assert line, message
    nth = 2 if label == "duplicate question id" else 1  # said at the second question, naming the first
    assert int(line[1]) in _question_lines(path.read_text(), qid, nth), message
    if label == "duplicate question id":
        assert f"duplicate question id 'benefit' (also question #1, line {_question_lines(path.read_text(), qid)[0]})" \
            in message


def test_json_quiz_problems_name_their_line(tmp_path):
    data = raw_quiz("part1")
    _question(data, "new-head")["answer"] = "z"
    path = tmp_path / "part1.json"
    path.write_text(json.dumps(data, indent=2))
    answer_line = next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if '"answer": "z"' in line)
    with pytest.raises(QuizError, match=rf"part1.json: line {answer_line}: question 'new-head': field 'answer'"):
        load_quiz(path)


def test_reflection_word_range_and_rubric_are_checked(tmp_path):
    data = raw_quiz("part2")
    path = write_quiz(tmp_path, _mutate(data, lambda d: _question(d, "reflection").update(min_words=300)))
    with pytest.raises(QuizError, match=r"question 'reflection': field 'min_words': min_words \(300\) is above max_words"):
        load_quiz(path)
    path = write_quiz(tmp_path, _mutate(data, lambda d: _question(d, "reflection").pop("rubric")))
    with pytest.raises(QuizError, match=r"question 'reflection': field 'rubric'"):
        load_quiz(path)


def test_quiz_level_problems_name_the_field(tmp_path):
    path = write_quiz(tmp_path, _mutate(raw_quiz("part3"), lambda d: d.pop("version")))
    with pytest.raises(QuizError, match=r"part3.yml: line 1: field 'version': required field is missing"):
        load_quiz(path)
    path = write_quiz(tmp_path, _mutate(raw_quiz("part3"), lambda d: d.update(due="2026-12-15T23:59:00")))
    with pytest.raises(QuizError, match=r"field 'due': give a time zone"):
        load_quiz(path)


def test_bad_yaml_and_json_name_the_line(tmp_path):
    bad = tmp_path / "broken.yml"
    bad.write_text("id: part9\ntitle: [unclosed\n")
    with pytest.raises(QuizError, match=r"broken.yml: line \d+: not valid YAML"):
        load_quiz(bad)
    bad_json = tmp_path / "broken.json"
    bad_json.write_text('{"id": "x",}')
    with pytest.raises(QuizError, match=r"broken.json: line 1: not valid JSON"):
        load_quiz(bad_json)


def test_json_quiz_files_load_too(tmp_path):
    path = tmp_path / "part1.json"
    path.write_text(json.dumps(raw_quiz("part1")))
    assert load_quiz(path).question("benefit").answer == "a"


def test_unquoted_yaml_due_date_is_accepted(tmp_path):
    path = tmp_path / "part3.yml"
    path.write_text((QUIZ_DIR / "part3.yml").read_text().replace(
        "release_mode: practice", "release_mode: practice\ndue: 2026-12-15T23:59:00+00:00"))
    assert load_quiz(path).due.isoformat() == "2026-12-15T23:59:00+00:00"


def test_quiz_dir_lookup_order(tmp_path, monkeypatch):
    assert find_quiz_dir("somewhere").name == "somewhere"
    monkeypatch.setenv("COURSEKIT_QUIZ_DIR", str(tmp_path))
    assert find_quiz_dir() == tmp_path
    monkeypatch.delenv("COURSEKIT_QUIZ_DIR")
    nested = tmp_path / "course" / "notebooks"
    nested.mkdir(parents=True)
    write_quiz(tmp_path / "course" / "quizzes", raw_quiz("part1"))
    monkeypatch.chdir(nested)
    assert find_quiz_dir() == tmp_path / "course" / "quizzes"


def test_cli_validate_reports_ok_and_errors(tmp_path, capsys):
    assert main(["quiz", "validate", str(QUIZ_DIR)]) == 0
    out = capsys.readouterr().out
    assert out.count("ok  ") == 5 and "quiz 'part2'" in out
    path = write_quiz(tmp_path, _mutate(raw_quiz("part1"), lambda d: _question(d, "benefit").update(answer="z")))
    assert main(["quiz", "validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    line = next(i for i, text in enumerate(path.read_text().splitlines(), start=1) if text == "  answer: z")
    assert err[0] == f"{path}: line {line}: question 'benefit': field 'answer': 'z' is not one of the option ids a, b, c, d"
    assert err[-1] == "coursekit quiz: error: 1 problem(s) in 1 of 1 file(s)" and len(err) == 2


def test_validate_reports_every_problem_in_every_file_in_one_run(tmp_path, capsys):
    """Before: the first problem of the first file, and nothing about two files sharing an id."""
    folder = tmp_path / "quizzes"
    first = _mutate(raw_quiz("part1"), lambda d: (_question(d, "benefit").update(answer="z"),
                                                   _question(d, "new-head").pop("points"),
                                                   d.update(due="2026-02-30T23:59:00+00:00")))
    write_quiz(folder, first)
    second = _mutate(raw_quiz("part2"), lambda d: _question(d, "reflection").update(min_words=999))
    write_quiz(folder, second)
    write_quiz(folder, raw_quiz("part3"), name="part3-copy")
    write_quiz(folder, raw_quiz("part3"))
    assert main(["quiz", "validate", str(folder)]) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert re.search(r"part1.yml: line \d+: question 'benefit': field 'answer': 'z' is not one of the option ids", err)
    assert re.search(r"part1.yml: line \d+: question 'new-head': field 'points': required field is missing", err)
    assert re.search(r"part1.yml: line \d+: field 'due': '2026-02-30T23:59:00\+00:00' is not an ISO 8601 date-time",
                     err)
    assert re.search(r"part2.yml: line \d+: question 'reflection': field 'min_words': min_words \(999\) is above "
                     "max_words", err)
    assert "part3.yml: line 1: field 'id': quiz id 'part3' is also used by" in err and "part3-copy.yml" in err
    assert all(re.match(r"\S+\.yml: line \d+: ", line) for line in err.splitlines()[:-1])
    assert err.strip().endswith("5 problem(s) in 3 of 4 file(s)")
    assert "ok  " in captured.out and "part3-copy.yml" in captured.out
    assert "Traceback" not in err

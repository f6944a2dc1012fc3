"""``coursekit quiz``: validate quiz files, release student copies, hand in, grade."""
from __future__ import annotations

import argparse
import datetime as dt
import sys


def add_parser(subparsers) -> None:
    quiz = subparsers.add_parser("quiz", help="concept-check quizzes: validate, release, submit, grade",
                                 description="Validate quiz files, release student copies, hand in answers, grade submissions.")
    commands = quiz.add_subparsers(dest="quiz_command", metavar="ACTION")
    commands.required = True

    validate = commands.add_parser("validate", help="check quiz files against the format")
    validate.add_argument("paths", nargs="*", help="quiz files or folders (default: the quiz folder)")
    validate.set_defaults(func=_validate)

    release = commands.add_parser("release", help="write the student copies (no readable answers, no rubrics)")
    release.add_argument("--out", required=True, help="folder for the student copies (not the instructor's)")
    release.add_argument("--src", help="instructor quiz folder (default: the quiz folder)")
    release.add_argument("--mode", choices=["practice", "assessed"],
                         help="one mode for every quiz (default: each quiz's release_mode)")
    release.add_argument("--quiz-mode", action="append", default=[], metavar="QUIZ=MODE",
                         help="mode for one quiz, e.g. part3=assessed (repeatable)")
    release.set_defaults(func=_release)

    submit = commands.add_parser("submit", help="stamp your saved answers as submitted and show the file to hand in")
    submit.add_argument("--quiz", required=True, help="quiz id, e.g. part1")
    submit.add_argument("--student", help="student id (default: $COURSEKIT_STUDENT_ID)")
    submit.add_argument("--dir", help="submissions folder (default: $COURSEKIT_SUBMISSIONS_DIR or ~/coursekit-submissions)")
    submit.add_argument("--out", help="also copy the hand-in file here (a .json file or a folder)")
    submit.set_defaults(func=_submit)

    grade = commands.add_parser("grade", help="grade a folder of submissions into a gradebook CSV")
    grade.add_argument("submissions", nargs="+", help="submission files or folders (searched recursively)")
    grade.add_argument("--key", required=True, help="the instructor's quiz folder, e.g. quizzes/")
    grade.add_argument("--out", required=True, help="gradebook CSV to write")
    grade.add_argument("--summary", help="per-question summary CSV (default: <out>_summary.csv)")
    grade.add_argument("--due", type=_due, help="due date for the late flag, e.g. 2026-12-15T23:59+00:00 "
                       "(a bare date means 23:59:59 UTC that day; default: each quiz's own due)")
    grade.set_defaults(func=_grade)


def _due(text: str) -> dt.datetime:
    try:
        if len(text) == 10:
            return dt.datetime.fromisoformat(text).replace(hour=23, minute=59, second=59, tzinfo=dt.timezone.utc)
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date or date-time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _validate(args) -> int:
    from pathlib import Path

    from coursekit.quiz.schema import find_quiz_dir, load_quiz, quiz_files

    paths = []
    for raw in args.paths or [str(find_quiz_dir())]:
        path = Path(raw)
        paths.extend(quiz_files(path) if path.is_dir() else [path])
    for path in paths:
        quiz = load_quiz(path)
        print(f"ok  {path}: quiz {quiz.id!r} v{quiz.version} ({quiz.mode}), {len(quiz.questions)} questions, "
              f"{quiz.auto_max:g} auto-graded + {quiz.manual_max:g} instructor-graded points")
    return 0


def _release(args) -> int:
    from coursekit.errors import QuizError
    from coursekit.quiz.release import release_quizzes
    from coursekit.quiz.schema import find_quiz_dir

    mode: object = args.mode
    if args.quiz_mode:
        per_quiz = {}
        for pair in args.quiz_mode:
            quiz_id, _, value = pair.partition("=")
            if value not in ("practice", "assessed"):
                raise QuizError(f"--quiz-mode {pair!r}: expected QUIZ=practice or QUIZ=assessed")
            per_quiz[quiz_id] = value
        if args.mode:
            from coursekit.quiz.schema import load_quizzes

            per_quiz = {**{q: args.mode for q in load_quizzes(args.src or find_quiz_dir())}, **per_quiz}
        mode = per_quiz
    written = release_quizzes(args.src or find_quiz_dir(), args.out, mode=mode)
    for path in written:
        print(f"wrote {path}")
    return 0


def _submit(args) -> int:
    import os

    from coursekit.quiz.submissions import STUDENT_ENV, mark_submitted

    path = mark_submitted(args.quiz, args.student or os.environ.get(STUDENT_ENV, ""), args.dir, args.out)
    print(f"submitted: hand in {path}")
    return 0


def _grade(args) -> int:
    from coursekit.errors import SubmissionError
    from coursekit.quiz.gradebook import grade_submissions, write_gradebook

    book = grade_submissions(args.submissions, args.key, due=args.due)
    for problem in book.problems:
        print(problem, file=sys.stderr)
    if not book.graded:
        raise SubmissionError("no submission could be graded; the gradebook was not written")
    out, summary = write_gradebook(book, args.out, args.summary)
    skipped = sum(p.skipped for p in book.problems)
    print(f"graded {len(book.graded)} submission(s) from {len(book.rows)} student(s); {skipped} file(s) skipped")
    print(f"wrote {out} and {summary}")
    for row in book.summary:
        if row["kind"] == "reflection":
            detail = f"mean {row['mean_words'] or '-'} words; in range {row['share_in_range'] or '-'}; rubric {row['rubric_coverage'] or '-'}"
        else:
            detail = f"correct {row['share_correct'] or '-'}" + (
                f"; most common wrong: {row['most_common_wrong']}" if row["most_common_wrong"] else "")
        print(f"  {row['quiz']}:{row['question']}: {detail}")
    return 0

"""``coursekit quiz``: validate quiz files, release student copies, hand in, grade, give feedback."""
from __future__ import annotations

import functools
import sys

from coursekit.commands import quiz_grade_cmd


def one_line_errors(func):
    """A file the command cannot read or write (a folder where a file should be, no
    permission, a full disk) is reported in one line, like every other bad input."""
    @functools.wraps(func)
    def run(args):
        from coursekit.errors import CoursekitError

        try:
            return func(args)
        except OSError as exc:
            where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
            raise CoursekitError(f"cannot read or write{where}: {exc.strerror or exc}") from exc
    return run


def add_parser(subparsers) -> None:
    quiz = subparsers.add_parser("quiz", help="concept-check quizzes: validate, release, submit, grade, feedback",
                                 description="Validate quiz files, release student copies, hand in answers, grade "
                                 "submissions, write feedback. The instructor's workflow: quizzes/README.md.")
    commands = quiz.add_subparsers(dest="quiz_command", metavar="ACTION")
    commands.required = True

    validate = commands.add_parser("validate", help="check quiz files against the format (every problem, every file)")
    validate.add_argument("paths", nargs="*", help="quiz files or folders (default: the quiz folder)")
    validate.add_argument("--released", action="append", default=[], metavar="FOLDER",
                          help="student copies released earlier (a folder, or the student repository): a key "
                          "changed since without a new version is a problem (repeatable)")
    validate.set_defaults(func=one_line_errors(_validate))

    release = commands.add_parser("release", help="write the student copies (no readable answers, no rubrics)")
    release.add_argument("--out", required=True, help="new folder for the student copies (not the instructor's)")
    release.add_argument("--src", help="instructor quiz folder (default: the quiz folder)")
    release.add_argument("--mode", choices=["practice", "assessed"],
                         help="one mode for every quiz (default: each quiz's release_mode, practice unless set)")
    release.add_argument("--quiz-mode", action="append", default=[], metavar="QUIZ=MODE",
                         help="mode for one quiz, e.g. part3=assessed (repeatable)")
    release.add_argument("--overwrite", action="store_true", help="write into an existing, non-empty --out folder")
    release.set_defaults(func=one_line_errors(_release))

    submit = commands.add_parser("submit", help="stamp your saved answers as submitted and show the file to hand in")
    submit.add_argument("--quiz", required=True, help="quiz id, e.g. part1")
    submit.add_argument("--student", help="student id (default: $COURSEKIT_STUDENT_ID)")
    submit.add_argument("--dir", help="submissions folder (default: $COURSEKIT_SUBMISSIONS_DIR or ~/coursekit-submissions)")
    submit.add_argument("--out", help="also copy the hand-in file here (a .json file or a folder)")
    submit.set_defaults(func=one_line_errors(_submit))

    quiz_grade_cmd.add_parsers(commands, one_line_errors)


def _validate(args) -> int:
    from pathlib import Path

    from coursekit.errors import QuizError
    from coursekit.quiz.quizfile import find_quiz_dir, load_released, quiz_file_problems, quiz_files
    from coursekit.quiz.validate import released_problems

    paths = []
    for raw in args.paths or [str(find_quiz_dir())]:
        path = Path(raw)
        if not path.exists():
            raise QuizError(f"{path}: no such quiz file or folder")
        paths.extend(quiz_files(path) if path.is_dir() else [path])
    problems, quizzes = [], {}
    for path in paths:
        quiz, found = quiz_file_problems(path)
        problems += found
        if quiz is not None and quiz.id in quizzes:
            problems.append(f"{path}: line {quiz.lines.get(('id',), 1)}: field 'id': quiz id {quiz.id!r} is also "
                            f"used by {quizzes[quiz.id].source}")
        elif quiz is not None:
            quizzes[quiz.id] = quiz
            print(f"ok  {path}: quiz {quiz.id!r} v{quiz.version} ({quiz.mode}), {len(quiz.questions)} questions, "
                  f"{quiz.auto_max:g} auto-graded + {quiz.manual_max:g} instructor-graded points")
    changed, notices = released_problems(quizzes, load_released(args.released))
    for line in notices:
        print(f"note: {line}")
    for line in problems + changed:
        print(line, file=sys.stderr)
    if problems or changed:
        bad = len({line.split(":", 1)[0] for line in problems + changed})
        raise QuizError(f"{len(problems) + len(changed)} problem(s) in {bad} of {len(paths)} file(s)")
    if not paths:
        raise QuizError("no quiz files (*.yml, *.yaml, *.json) to validate")
    return 0


def _release(args) -> int:
    from coursekit.quiz.quizfile import find_quiz_dir, load_quizzes, quiz_modes, release_quizzes

    source = args.src or find_quiz_dir()
    mode = quiz_modes(args.mode, args.quiz_mode, load_quizzes(source) if args.quiz_mode else {})
    for path in release_quizzes(source, args.out, mode=mode, overwrite=args.overwrite):
        print(f"wrote {path}")
    return 0


def _submit(args) -> int:
    import os

    from coursekit.quiz.submissions import STUDENT_ENV, mark_submitted

    path = mark_submitted(args.quiz, args.student or os.environ.get(STUDENT_ENV, ""), args.dir, args.out)
    print(f"submitted: hand in {path}")
    return 0

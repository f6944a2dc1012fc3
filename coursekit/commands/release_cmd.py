"""``coursekit release``: the student repository (package, notebooks with stubs, quiz copies)."""
from __future__ import annotations


def add_parser(subparsers) -> None:
    release = subparsers.add_parser(
        "release", help="write the student repository: no solutions, no quiz keys",
        description="The student repository: the package, environment.yml, a student README, the notebooks with "
                    "solutions replaced by stubs and outputs cleared, and quizzes without readable answers.")
    release.add_argument("--out", required=True, help="new folder for the student repository")
    release.add_argument("--notebooks", default="notebooks", help="instructor notebooks folder (default: notebooks)")
    release.add_argument("--quizzes", default="quizzes", help="instructor quiz folder (default: quizzes)")
    release.add_argument("--project", help="the instructor repository (default: the folder holding --notebooks)")
    release.add_argument("--mode", choices=["practice", "assessed"],
                         help="quiz mode for every quiz (default: each quiz's release_mode, practice unless set)")
    release.add_argument("--quiz-mode", action="append", default=[], metavar="QUIZ=MODE",
                         help="mode for one quiz, e.g. part3=assessed (repeatable)")
    release.add_argument("--overwrite", action="store_true", help="replace an existing, non-empty --out folder")
    release.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from ..errors import ReleaseError
    from ..outputs import check_can_write
    from ..release import release_course

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ReleaseError(f"--out {out} is a file, not a folder; choose a new folder for the student repository")
    check_can_write(out, "--out", in_parent=True)  # the copy is staged beside --out, then moved in
    mode: object = args.mode
    if args.quiz_mode:
        from ..errors import QuizError
        from ..quiz import load_quizzes

        mode = {quiz_id: args.mode for quiz_id in load_quizzes(args.quizzes)} if args.mode else {}
        for pair in args.quiz_mode:
            quiz_id, _, value = pair.partition("=")
            if value not in ("practice", "assessed"):
                raise QuizError(f"--quiz-mode {pair!r}: expected QUIZ=practice or QUIZ=assessed")
            mode[quiz_id] = value
    files = release_course(args.out, args.notebooks, args.quizzes, mode=mode, overwrite=args.overwrite,
                           project_dir=args.project)
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    quizzes = [p for p in files if p.parent.name == "quizzes"]
    print(f"wrote the student repository to {args.out}: {len(files)} files "
          f"({len(notebooks)} notebooks, {len(quizzes)} quizzes, the package, README.md, environment.yml)")
    for path in notebooks + quizzes:
        print(f"  {path}")
    return 0

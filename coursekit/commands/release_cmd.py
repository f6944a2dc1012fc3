"""``coursekit release``: the student copy of the whole course (notebooks and quizzes)."""
from __future__ import annotations


def add_parser(subparsers) -> None:
    release = subparsers.add_parser(
        "release", help="write the student copy of the notebooks and quizzes",
        description="Notebooks with solutions replaced by stubs and outputs cleared; quizzes without readable answers.")
    release.add_argument("--out", required=True, help="new folder for the student copy")
    release.add_argument("--notebooks", default="notebooks", help="instructor notebooks folder (default: notebooks)")
    release.add_argument("--quizzes", default="quizzes", help="instructor quiz folder (default: quizzes)")
    release.add_argument("--mode", choices=["practice", "assessed"],
                         help="quiz mode for every quiz (default: each quiz's release_mode)")
    release.add_argument("--overwrite", action="store_true", help="replace an existing, non-empty --out folder")
    release.set_defaults(func=run)


def run(args) -> int:
    from ..release import release_course

    files = release_course(args.out, args.notebooks, args.quizzes, mode=args.mode, overwrite=args.overwrite)
    print(f"wrote the student copy to {args.out}: {len(files)} files")
    for path in files:
        print(f"  {path}")
    return 0

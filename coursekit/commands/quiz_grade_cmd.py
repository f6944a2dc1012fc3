"""``coursekit quiz grade | feedback | export-reflections``: the instructor's side of the quizzes.

The three commands read the same things (submission folders, the key, the roster, the
manual scores and the grading rules), so they share one set of options.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys


def _add_common(parser) -> None:
    parser.add_argument("submissions", nargs="+", help="submission files or folders (searched recursively)")
    parser.add_argument("--key", required=True, help="the instructor's quiz folder, e.g. quizzes/")
    parser.add_argument("--roster", help="class list CSV as your LMS exports it (id, name, e-mail): every student "
                        "gets a row")
    parser.add_argument("--roster-id-column", help="the roster's student id column (default: found by name)")
    parser.add_argument("--manual", help="manual scores CSV (student_id, question, points, comment); read, never written")
    parser.add_argument("--codes", help="codes file of an anonymised reflections export (translates --manual ids)")
    parser.add_argument("--extensions", help="CSV of extensions: student_id, quiz (empty: all), due or days")
    parser.add_argument("--due", action="append", default=[], metavar="[QUIZ=]DATE",
                        help="due date, for every quiz or one (repeatable), e.g. part1=2026-12-15T23:59+00:00 "
                        "(a bare date means 23:59:59 UTC; default: each quiz's due)")
    parser.add_argument("--late-penalty", action="append", default=[], metavar="[QUIZ=]RULE",
                        help="none, zero, per-day:N (points) or per-day:N%% (of the quiz's points), per started day "
                        "(default: the key's grading.late_penalty, else none)")
    parser.add_argument("--duplicates", choices=["latest", "earliest", "best"],
                        help="which of a student's files for one quiz is graded: the last collected, the first, or "
                        "the highest total after penalties (default: the key's rule, else latest)")
    parser.add_argument("--late-resubmissions", choices=["ignore", "replace"],
                        help="may a late file replace a student's on-time one? (default: the key's rule, else "
                        "ignore: on-time work stays graded)")
    parser.add_argument("--released", action="append", default=[], metavar="FOLDER",
                        help="student copies released earlier: warn when the key changed since without a new version")
    parser.add_argument("--partial-credit", action="store_true", default=None,
                        help="multiple-select questions earn partial credit (default: the key's rule)")
    parser.add_argument("--accept-version", action="append", default=[], metavar="QUIZ=VERSION",
                        help="also grade submissions made against an earlier key version (repeatable)")


def add_parsers(commands, one_line_errors) -> None:
    """Add ``grade``, ``feedback`` and ``export-reflections`` (``one_line_errors`` wraps each)."""
    grade = commands.add_parser("grade", help="grade submissions into a gradebook CSV (and an LMS import file)")
    _add_common(grade)
    grade.add_argument("--out", required=True, help="gradebook CSV to write (the previous one is kept as a backup)")
    grade.add_argument("--summary", help="per-question summary CSV (default: <out>_summary.csv)")
    grade.add_argument("--replace", action="store_true",
                       help="write even when the new gradebook would lose students or grades the old one holds")
    grade.add_argument("--lms", choices=["canvas", "moodle"], help="also write that LMS's grade import CSV")
    grade.add_argument("--lms-out", help="where the LMS file goes (default: <out>_<lms>.csv)")
    grade.set_defaults(func=one_line_errors(_grade))

    feedback = commands.add_parser("feedback", help="write one HTML feedback page per student")
    _add_common(feedback)
    feedback.add_argument("--out", required=True, help="folder for the pages (<student>.html)")
    feedback.add_argument("--reveal-answers", action="store_true",
                          help="show correct answers and every explanation even before the due date")
    feedback.add_argument("--now", help=argparse.SUPPRESS)  # "as of" time, for tests and dry runs
    feedback.set_defaults(func=one_line_errors(_feedback))

    export = commands.add_parser("export-reflections", help="every answer to one reflection in one page, plus a "
                                 "manual.csv template to score them")
    _add_common(export)
    export.add_argument("--question", required=True, metavar="QUIZ:QUESTION", help="e.g. part2:reflection")
    export.add_argument("--out", required=True, help="the HTML page to write")
    export.add_argument("--template", help="manual scores template to write (default: <out>_manual.csv; never "
                        "overwritten)")
    export.add_argument("--anonymise", action="store_true", help="codes instead of student ids (a codes file is "
                        "written for --codes)")
    export.set_defaults(func=one_line_errors(_export_reflections))


def _book(args):
    from coursekit.quiz.gradebook import grade_submissions, load_key
    from coursekit.quiz.gradebook.lms import read_roster
    from coursekit.quiz.gradebook.rules import build_policy
    from coursekit.quiz.gradebook.tables import read_codes, read_manual
    from coursekit.quiz.quizfile import load_released
    from coursekit.quiz.validate import released_problems

    key = load_key(args.key)
    changed, notices = released_problems(key, load_released(args.released))
    for line in changed + notices:
        print(f"warning: {line}", file=sys.stderr)
    policy = build_policy(key, due=args.due, duplicates=args.duplicates, late_penalty=args.late_penalty,
                          late_resubmissions=args.late_resubmissions, partial_credit=args.partial_credit,
                          accept_versions=args.accept_version, extensions=args.extensions)
    roster = read_roster(args.roster, args.roster_id_column) if args.roster else None
    manual = read_manual(args.manual, key, read_codes(args.codes) if args.codes else None) if args.manual else None
    book = grade_submissions(args.submissions, key, policy=policy, roster=roster, manual=manual)
    for problem in book.problems:
        print(problem, file=sys.stderr)
    return book


def _grade(args) -> int:
    from coursekit.errors import SubmissionError
    from coursekit.quiz.gradebook.files import write_gradebook_files

    book = _book(args)
    if not book.graded:
        raise SubmissionError("no submission could be graded; the gradebook was not written")
    written = write_gradebook_files(book, args.out, args.summary, replace=args.replace, lms=args.lms,
                                    lms_out=args.lms_out)
    skipped = sum(not r.superseded for r in book.rejected)
    print(f"graded {len(book.graded)} submission(s) from {len({s for s, _ in book.graded})} student(s); "
          f"{len(book.rows)} row(s); {skipped} file(s) rejected, {len(book.rejected) - skipped} not graded in favour "
          "of another file of the same student")
    print(f"wrote {written.gradebook}, {written.summary} and {written.rejected}"
          + (f"; {args.lms} import file {written.lms}" if written.lms else ""))
    if written.backup:
        print(f"kept the previous gradebook as {written.backup}; changes:")
        print("".join(f"  {line}\n" for line in written.changes), end="")
    elif written.changes:
        print("the gradebook is unchanged (no backup kept)")
    if written.lms_backup:
        print(f"kept the previous {args.lms} import file as {written.lms_backup}")
    for stale, aside in written.stale:
        print(f"moved {stale} aside to {aside}: it holds totals of an earlier run (not rewritten by this one)")
    pending = [row["student_id"] for row in book.rows if row["manual_review"]]
    if pending:
        print(f"{len(pending)} student(s) have reflections without manual points (column manual_review)")
    for row in book.summary:
        if row["kind"] == "reflection":
            detail = f"mean {row['mean_words'] or '-'} words; in range {row['share_in_range'] or '-'}; rubric {row['rubric_coverage'] or '-'}"
        else:
            detail = f"correct {row['share_correct'] or '-'}" + (
                f"; most common wrong: {row['most_common_wrong']}" if row["most_common_wrong"] else "")
        print(f"  {row['quiz']}:{row['question']}: {detail}")
    return 0


def _feedback(args) -> int:
    from coursekit.quiz.gradebook.pages import write_feedback
    from coursekit.quiz.gradebook.rules import parse_due

    book = _book(args)
    now = parse_due(args.now, "--now") if args.now else dt.datetime.now(dt.timezone.utc)
    written = write_feedback(book, args.out, now=now, reveal=args.reveal_answers)
    print(f"wrote {len(written)} feedback page(s) to {args.out}")
    return 0


def _export_reflections(args) -> int:
    from coursekit.quiz.gradebook.pages import export_reflections

    book = _book(args)
    result = export_reflections(book, args.question, args.out, args.template, anonymise=args.anonymise)
    print(f"wrote {result.count} reflection(s) to {result.page} and the template {result.template}")
    if result.codes:
        print(f"codes: {result.codes} (keep it; pass it to grade and feedback with --codes)")
    return 0

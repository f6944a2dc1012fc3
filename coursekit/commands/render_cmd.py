"""``coursekit render``: the executed lessons as a static, offline web folder."""
from __future__ import annotations

import argparse
import contextlib
import logging
import signal
from pathlib import Path


def add_parser(subparsers) -> None:
    render = subparsers.add_parser(
        "render",
        help="execute the notebooks and write static HTML (plots and widgets embedded, no CDN)",
        description=(
            "Execute the course notebooks on a tier and write one HTML page per notebook, "
            "an index.html and the browser scripts they need (_static/) into OUTPUT: a "
            "folder that opens offline in any browser. The scripts are local copies from "
            "npm, fetched on first use (scripts/install_widget_assets.sh, an 11 MB download). "
            "The lessons show an already trained model when there is one (--model, else "
            "results/notebook-model, else results/demo from `coursekit demo`) instead of "
            "fine-tuning again. Everything the notebooks write goes to a temporary folder "
            "that is removed at the end."
        ),
    )
    render.add_argument("--output", required=True, type=Path, help="folder for the pages")
    render.add_argument("--notebooks", nargs="+", type=Path, metavar="NOTEBOOK",
                        help="notebooks to render (default: notebooks/*.ipynb)")
    from ..options import add_profile_option

    add_profile_option(render)
    render.add_argument("--overwrite", action="store_true",
                        help="--output holds rendered lessons: move them aside (nothing is deleted)")
    render.add_argument("--model", type=Path, metavar="DIR",
                        help="trained model the lessons show (the --output of `coursekit train` or `demo`; "
                             "default: results/notebook-model, else results/demo, when trained on this tier)")
    render.add_argument("--retrain", action="store_true",
                        help="let lesson 02 fine-tune its model again instead of reusing one")
    render.add_argument("--timeout", type=int, default=1800,
                        help="seconds one cell may run before rendering stops (default: 1800)")
    render.set_defaults(func=run_render)


@contextlib.contextmanager
def _sigterm_unwinds():
    """SIGTERM stops the render like Ctrl-C: the kernel is shut down and the temporary
    workspace removed on the way out."""
    def stop(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_render(args: argparse.Namespace) -> int:
    from ..errors import require_extra
    from ..profiles import resolve_profile_name

    require_extra("notebooks", "coursekit render")
    from coursekit.render import render_lessons

    if args.model is not None and args.retrain:
        from coursekit.render import RenderError

        raise RenderError("--model and --retrain contradict each other: choose one")
    from ..outputs import claim_output

    claim_output(args.output, overwrite=args.overwrite, markers=("index.html",), what="rendered lessons")
    try:
        with _sigterm_unwinds():
            lessons = render_lessons(args.notebooks, args.output, profile=resolve_profile_name(args.profile)[0], timeout=args.timeout,
                                     model=args.model, retrain=args.retrain)
    except KeyboardInterrupt:
        # The kernel is already shut down; its abandoned cell task would only log "Kernel died".
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        raise
    print(f"wrote {len(lessons)} lesson page(s) and index.html to {args.output}; "
          f"open {Path(args.output) / 'index.html'} in a browser")
    return 0

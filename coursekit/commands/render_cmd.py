"""``coursekit render``: the executed lessons as a static, offline web folder."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> None:
    render = subparsers.add_parser(
        "render",
        help="execute the notebooks and write static HTML (plots and widgets embedded, no CDN)",
        description=(
            "Execute the course notebooks on a tier and write one HTML page per notebook, "
            "an index.html and the browser scripts they need (_static/) into OUTPUT: a "
            "folder that opens offline in any browser. The scripts are local copies from "
            "npm, installed by scripts/install_widget_assets.sh."
        ),
    )
    render.add_argument("--output", required=True, type=Path, help="folder for the pages")
    render.add_argument("--notebooks", nargs="+", type=Path, metavar="NOTEBOOK",
                        help="notebooks to render (default: notebooks/*.ipynb)")
    render.add_argument("--profile", choices=["full", "offline"], default="offline",
                        help="tier the notebooks run on (default: offline)")
    render.add_argument("--timeout", type=int, default=1800,
                        help="seconds one cell may run before rendering stops (default: 1800)")
    render.set_defaults(func=run_render)


def run_render(args: argparse.Namespace) -> int:
    from coursekit.render import render_lessons

    lessons = render_lessons(args.notebooks, args.output, profile=args.profile, timeout=args.timeout)
    print(f"wrote {len(lessons)} lesson page(s) and index.html to {args.output}; "
          f"open {Path(args.output) / 'index.html'} in a browser")
    return 0

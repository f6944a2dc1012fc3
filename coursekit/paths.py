"""Where things are: the package's own files, the source checkout (if any), the results folder.

One module answers these questions for every stage, so they hold the same whether
coursekit runs from a git checkout (editable install) or was installed as a wheel.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESULTS_ENV = "COURSEKIT_RESULTS"


def package_file(*parts: str) -> Path:
    """A file shipped inside the package (works installed as a wheel too)."""
    return Path(str(resources.files("coursekit").joinpath(*parts)))


def project_root() -> Path | None:
    """The course checkout this package runs from, or ``None`` when installed without one."""
    candidate = PACKAGE_DIR.parent
    if (candidate / "pyproject.toml").is_file() and (candidate / "coursekit").is_dir():
        return candidate
    return None


def require_project_root(what: str) -> Path:
    """The checkout, or a one-line error saying that ``what`` needs one."""
    from .errors import CoursekitError

    root = project_root()
    if root is None:
        raise CoursekitError(f"{what} needs a git checkout of the course (this coursekit is installed "
                             "without one): run it from a clone")
    return root


def results_dir(*parts: str, create: bool = True) -> Path:
    """``$COURSEKIT_RESULTS``, else ``results/`` in the checkout (or the current folder)."""
    base = os.environ.get(RESULTS_ENV)
    root = Path(base) if base else (project_root() or Path.cwd()) / "results"
    folder = root.joinpath(*parts)
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


# The course's data: the shop's review export, shipped in the package (coursekit/data/shop.py reads it).
SHOP_FILE = "womens_clothing_reviews.csv.gz"


def shop_reviews_path() -> Path:
    """The shipped export (works from a checkout, an installed wheel and the student copy)."""
    return package_file("data", SHOP_FILE)


def is_shop_export(source) -> bool:
    """True for the shipped export, wherever it lies (an Azure ML job mounts it under its own name)."""
    return source is not None and Path(str(source)).name == SHOP_FILE

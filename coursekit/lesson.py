"""Set-up shared by every notebook: tier banner, seeds, quiet libraries, result folders."""
from __future__ import annotations

import os
from pathlib import Path

from .profiles import Profile, get_profile


def start_lesson(profile_name: str | None = None, seed: int = 42) -> Profile:
    """Announce the tier, seed every generator and silence progress bars outside a terminal."""
    import matplotlib
    from transformers import set_seed

    from .progress import configure_quiet_libraries

    profile = get_profile(profile_name, announce=True)
    configure_quiet_libraries(show_progress=False)
    set_seed(seed)
    matplotlib.rcParams.update({"figure.dpi": 100, "axes.grid": True, "figure.figsize": (6, 4)})
    return profile


def results_dir(*parts: str) -> Path:
    """``$COURSEKIT_RESULTS`` or ``results/`` at the project root (created)."""
    base = os.environ.get("COURSEKIT_RESULTS")
    root = Path(base) if base else _project_root() / "results"
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _project_root() -> Path:
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "coursekit").is_dir():
            return candidate
    return here

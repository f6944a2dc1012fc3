"""Set-up shared by every notebook: tier banner, seeds, quiet libraries, result folders."""
from __future__ import annotations

import warnings

from .defaults import DEFAULT_SEED
from .profiles import Profile, get_profile


def start_lesson(profile_name: str | None = None, seed: int = DEFAULT_SEED) -> Profile:
    """Announce the tier, seed every generator and silence progress bars outside a terminal."""
    import matplotlib
    from transformers import set_seed

    from .progress import configure_quiet_libraries

    profile = get_profile(profile_name, announce=True)
    configure_quiet_libraries(show_progress=False)
    # A Trainer written in a lesson asks for pinned memory, which a CPU-only machine ignores anyway;
    # unfiltered, that warning repeats at every epoch.
    warnings.filterwarnings("ignore", message="'pin_memory' argument is set as true but no accelerator")
    set_seed(seed)
    # No global grid: each plot draws its own where it helps (never on heat maps or twin axes).
    matplotlib.rcParams.update({"figure.dpi": 100, "figure.figsize": (6, 4)})
    _show_figures_inline()
    return profile


def _show_figures_inline() -> None:
    """In a notebook kernel, display matplotlib ``Figure`` objects as images.

    The evaluation plots are plain ``Figure`` objects (never registered with pyplot), and
    IPython only learns to draw those once the inline backend is enabled; without this,
    a cell ending in ``fig`` shows ``<Figure size 600x500 with 1 Axes>``.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebooks extra
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "kernel"):
        shell.run_line_magic("matplotlib", "inline")

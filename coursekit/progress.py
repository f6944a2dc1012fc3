"""Progress bars in a terminal, none under CI or in a captured (non-terminal) run."""
from __future__ import annotations

import os
import sys


def progress_enabled() -> bool:
    """True in an interactive terminal; False under CI, nbval or a pipe."""
    if os.environ.get("CI") or os.environ.get("COURSEKIT_QUIET"):
        return False
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def configure_quiet_libraries(show_progress: bool | None = None) -> bool:
    """Silence library progress bars and warnings unless a terminal wants them."""
    show = progress_enabled() if show_progress is None else show_progress
    import datasets
    import transformers

    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    if show:
        datasets.enable_progress_bars()
        transformers.utils.logging.enable_progress_bar()
        enable_progress_bars()
    else:
        datasets.disable_progress_bars()
        transformers.utils.logging.disable_progress_bar()
        disable_progress_bars()
    transformers.logging.set_verbosity_error()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return show

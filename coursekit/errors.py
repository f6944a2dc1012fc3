"""Exceptions with messages meant for students and instructors."""


class CoursekitError(Exception):
    """Base class: the CLI prints these as a one-line error instead of a traceback."""

    user_facing = True


class DataError(CoursekitError, ValueError):
    """Bad input data: names the file and, where it applies, the row."""


class HubUnreachableError(CoursekitError, RuntimeError):
    """The Hugging Face Hub could not be reached on the ``full`` tier."""


class AzureSetupError(CoursekitError, RuntimeError):
    """Azure credentials, workspace or quota are missing."""


class EvaluationError(CoursekitError, ValueError):
    """Inputs to an evaluation do not fit (lengths, label values, probabilities, model folder)."""


class QuizError(CoursekitError, ValueError):
    """A malformed quiz file: names the file, the question and the field."""


class SubmissionError(CoursekitError, ValueError):
    """A quiz submission that cannot be saved or graded: names the file and the field."""


class ExportError(CoursekitError, RuntimeError):
    """A model folder could not be exported to ONNX (names the folder and what is wrong)."""


class ServingError(CoursekitError, RuntimeError):
    """The local scoring server could not start or answer (names the folder or port)."""

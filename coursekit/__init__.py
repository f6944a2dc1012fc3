"""coursekit: fine-tune, evaluate, quiz, export and deploy a sentiment classifier."""

__version__ = "0.1.0"

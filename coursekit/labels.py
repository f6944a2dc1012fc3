"""The two classes of the course, in label-id order."""

LABEL_NAMES = ("NEGATIVE", "POSITIVE")
ID2LABEL = dict(enumerate(LABEL_NAMES))
LABEL2ID = {name: i for i, name in ID2LABEL.items()}

"""Did the model learn? One verdict on a finished run, with the exact setting to change.

Three signs of an under-trained model (issue 23.1), each computed from the run itself:

- validation loss still falling at the last evaluation (more epochs would have helped);
- predictions bunched near 0.5 (the model is unsure of nearly every review);
- validation macro-F1 near what answering the majority class scores. On the shop's export
  (88% positive) "always POSITIVE" has an accuracy of 0.88 and a macro-F1 of 0.47, so
  accuracy is no guide; macro-F1 and the negative class's F1 are judged instead.

Overfitting (validation loss rising while training loss falls) is named too. The advice
speaks the command line's options (``--epochs``, ``--learning-rate``) or, for the lessons,
the ``TrainingArguments`` names (``num_train_epochs``, ``learning_rate``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

STILL_FALLING = 0.01  # the last evaluation lowered validation loss by more than 1% ...
STILL_FALLING_ABS = 0.01  # ... and by more than 0.01 (0.0955 -> 0.0900 at a macro-F1 of 0.92 is done learning)
RISING = 0.05  # validation loss 5% above its lowest at the end, while training loss fell: overfitting
BUNCHED = 0.75  # mean confidence (probability of the predicted class) below this: bunched near 0.5
NEAR_CHANCE = 0.10  # macro-F1 within this of chance (the better of "always the majority" and a coin flip)
NO_MINORITY = 0.10  # minority-class F1 below this: the model (almost) never names the minority class
# The course's small-data settings (measured in benchmarks/results/small_data.json; lesson 02, section 10).
SMALL_DATA = {"learning_rate": 1e-4, "epochs": 5}

OPTION_NAMES = {  # setting -> (command line, notebook)
    "learning_rate": ("--learning-rate", "learning_rate"),
    "epochs": ("--epochs", "num_train_epochs"),
}


@dataclass
class Verdict:
    """What a run shows: ``kind`` is learned, still improving, under-trained, overfitting or unknown."""

    kind: str
    reasons: list[str] = field(default_factory=list)
    changes: dict = field(default_factory=dict)  # setting -> suggested value
    facts: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Verdict":
        return cls(str(data.get("kind", "unknown")), list(data.get("reasons") or []),
                   dict(data.get("changes") or {}), dict(data.get("facts") or {}))

    def advice(self, terms: str = "cli") -> str:
        """The settings to change, as command-line options (``cli``) or TrainingArguments (``notebook``)."""
        if not self.changes:
            return ""
        if terms == "cli":
            return " ".join(f"{OPTION_NAMES[name][0]} {value:g}" for name, value in self.changes.items())
        return "TrainingArguments(" + ", ".join(f"{OPTION_NAMES[name][1]}={value:g}"
                                                for name, value in self.changes.items()) + ")"


def chance_macro_f1(majority_share: float | None) -> float:
    """The macro-F1 a model scores without learning: the better of always answering the majority
    class (F1 of the majority class over two) and a fair coin (0.5)."""
    if majority_share is None:
        return 0.5
    majority_f1 = 2 * majority_share / (1 + majority_share)
    return max(majority_f1 / 2, 0.5)


def confidence_facts(probabilities, labels=None) -> dict:
    """Facts of the validation predictions: ``probabilities`` of POSITIVE, ``labels`` the true labels."""
    probs = [float(p) for p in probabilities]
    facts = {}
    if probs:
        facts.update(mean_confidence=round(sum(max(p, 1 - p) for p in probs) / len(probs), 4),
                     lowest_probability=round(min(probs), 4), highest_probability=round(max(probs), 4))
    if labels is not None and len(labels):
        positive = sum(int(v) for v in labels) / len(labels)
        facts["majority_share"] = round(max(positive, 1 - positive), 4)
        facts["minority_label"] = 0 if positive >= 0.5 else 1
    return facts


def _loss_trend(history: list[dict]) -> tuple[bool, bool, dict]:
    """(still falling, overfitting, facts) from the per-evaluation history."""
    losses = [float(row["eval_loss"]) for row in history if "eval_loss" in row]
    facts = {"evaluations": len(losses)}
    if len(losses) < 2:
        return False, False, facts
    facts.update(first_validation_loss=round(losses[0], 4), last_validation_loss=round(losses[-1], 4),
                 lowest_validation_loss=round(min(losses), 4))
    drop = losses[-2] - losses[-1]
    falling = losses[-1] <= min(losses) and drop > STILL_FALLING * losses[-2] and drop > STILL_FALLING_ABS
    train = [row.get("train_loss") for row in history]
    best = losses.index(min(losses))
    train_fell = train[-1] is not None and train[best] is not None and train[-1] < train[best]
    rising = len(losses) >= 3 and losses[-1] > min(losses) * (1 + RISING) and train_fell
    return falling, rising, facts


def _scores(validation: dict, facts: dict) -> tuple[bool, list[str]]:
    """(near chance, reasons) from the validation scores and the majority share."""
    macro = validation.get("f1_macro")
    share = facts.get("majority_share")
    chance = chance_macro_f1(share)
    facts.update(validation_macro_f1=None if macro is None else round(float(macro), 4), chance_macro_f1=round(chance, 4))
    reasons = []
    if macro is not None and macro < chance + NEAR_CHANCE:
        what = (f"always answering the majority class ({share:.0%} of validation) or a coin flip"
                if share is not None else "a coin flip")
        reasons.append(f"validation macro-F1 {macro:.3f} is near the {chance:.3f} of {what}")
    minority = facts.get("minority_label")
    key = {0: "f1_negative", 1: "f1"}.get(minority)
    if key and share is not None and share >= 0.6 and validation.get(key) is not None:
        facts["minority_f1"] = round(float(validation[key]), 4)
        if validation[key] < NO_MINORITY:
            reasons.append(f"F1 of the minority class ({'NEGATIVE' if minority == 0 else 'POSITIVE'}) is "
                           f"{validation[key]:.3f}: the model almost never names it")
    return bool(reasons), reasons


def judge_training(history: list[dict], validation: dict, *, confidence: dict | None = None,
                   learning_rate: float | None = None, epochs: float | None = None) -> Verdict:
    """The verdict on a run from its history (``eval_loss``, ``train_loss`` per evaluation), its
    validation scores and the :func:`confidence_facts` of its validation predictions."""
    facts = dict(confidence or {})
    falling, rising, trend = _loss_trend(history)
    facts.update(trend)
    near_chance, reasons = _scores(validation, facts)
    bunched = facts.get("mean_confidence") is not None and facts["mean_confidence"] < BUNCHED
    if bunched:
        reasons.append(f"predictions are bunched near 0.5 (mean confidence {facts['mean_confidence']:.2f}, "
                       f"probabilities {facts['lowest_probability']:.2f}-{facts['highest_probability']:.2f})")
    if falling:
        reasons.append(f"validation loss was still falling at the last evaluation "
                       f"({facts['first_validation_loss']:.3f} → {facts['last_validation_loss']:.3f})")
    changes = _changes(learning_rate, epochs)
    if near_chance or (bunched and (falling or facts["evaluations"] < 2)):
        return Verdict("under-trained", reasons, changes, facts)
    if falling:
        more = {"epochs": max(2 * float(epochs), 1.0)} if epochs else {}
        return Verdict("still improving", reasons, more, facts)
    if rising:
        reasons.append(f"validation loss rose to {facts['last_validation_loss']:.3f} from its lowest "
                       f"{facts['lowest_validation_loss']:.3f} while training loss fell")
        return Verdict("overfitting", reasons, {}, facts)
    return Verdict("learned", reasons, {}, facts)


def _changes(learning_rate: float | None, epochs: float | None) -> dict:
    """What to change on an under-trained run: the course's small-data settings, else twice the epochs."""
    changes = {}
    slow = learning_rate is not None and learning_rate < SMALL_DATA["learning_rate"]
    if slow:
        changes["learning_rate"] = SMALL_DATA["learning_rate"]
    if epochs is not None:  # with the higher rate the small-data epochs suffice; at it already, twice as many
        changes["epochs"] = max(float(SMALL_DATA["epochs"]), float(epochs) * (1 if slow else 2))
    return changes


def verdict_lines(verdict: Verdict, terms: str = "cli") -> list[str]:
    """The verdict as printed lines: ``verdict: ...`` and, when something should change, ``advice: ...``."""
    if verdict.kind in ("learned", "unknown"):
        return [f"verdict: {verdict.kind}" + (f" ({'; '.join(verdict.reasons)})" if verdict.reasons else "")]
    lines = [f"verdict: {verdict.kind}: " + "; ".join(verdict.reasons)]
    how = verdict.advice(terms)
    if verdict.kind == "under-trained":
        small = " (the course's small-data settings)" if "learning_rate" in verdict.changes else ""
        lines.append(f"advice: this model has not learned enough to use; train again with {how}{small}, "
                     "or on more data" if how else "advice: this model has not learned enough to use; train "
                     "longer or on more data")
    elif verdict.kind == "still improving" and how:
        lines.append(f"advice: more epochs would likely help: {how}")
    elif verdict.kind == "overfitting":
        lines.append("advice: the model kept is the one of the lowest validation loss; later epochs only "
                     "memorised the training reviews, so fewer epochs give the same model sooner")
    return lines

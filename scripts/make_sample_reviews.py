"""Write coursekit/data/sample_reviews.csv: the course's own sample customer reviews.

The reviews are composed from phrase banks written by the coursekit team for this
project (``review_bank_domains.py``, ``review_bank_general.py``; nothing is copied
from a public data set) by a seeded generator, so ``python scripts/make_sample_reviews.py``
rewrites the file byte for byte. The generator imitates what makes real reviews hard:
cues anywhere in the text, contrast where either side may decide, negation of both
polarities, sarcasm in both directions, words whose polarity depends on the domain,
lukewarm reviews labelled by their star rating, informal spelling, very short reviews
with little signal, and a known share of flipped labels (``label_noise``).
See coursekit/data/DATA_CARD.md.
"""
from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import review_bank_general as bank  # noqa: E402
from review_bank_domains import DOMAINS, TWO_SIDED  # noqa: E402

SEED = 20261127
PER_DOMAIN_AND_LABEL = 100  # 5 domains x 2 labels x 100 = 1,000 reviews
NOISE_PER_LABEL = 15  # 30 of 1,000 labels (3%) contradict their text, as a mis-clicked rating does
OUT = Path(__file__).resolve().parents[1] / "coursekit" / "data" / "sample_reviews.csv"
COLUMNS = ["text", "label", "domain", "style", "stars", "label_noise"]
# The same mix of styles for both labels, so that a style gives the label away no more than chance.
STYLES = {"plain": 55, "long": 3, "short": 5, "contrast": 8, "negation": 8, "lukewarm": 6,
          "sarcastic": 3, "domain_word": 6, "informal": 6}


def zipf(rng: random.Random, items: list, exponent: float = 1.0):
    """An item of ``items``, the k-th with weight 1/k**exponent (a few common, many rare)."""
    return rng.choices(items, [1 / (k + 1) ** exponent for k in range(len(items))])[0]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


class Review:
    """Builds one review of a given polarity, domain and product."""

    def __init__(self, rng: random.Random, domain: dict, positive: bool):
        self.rng, self.domain, self.positive = rng, domain, positive
        self.product = rng.choice(list(domain["products"]))

    def fill(self, template: str, **extra) -> str:
        who = self.rng.choice(bank.WHO)
        values = {"p": self.product, "who": who, "Who": cap(who), **extra}
        return template.format(**values)

    def aspect(self, positive: bool | None = None) -> str:
        """A clause on what matters: product-specific half of the time, else the domain's."""
        positive = self.positive if positive is None else positive
        good, bad = self.domain["products"][self.product]
        pick = self.rng.random()
        if pick < 0.12:
            return self.negated_verdict(positive)
        if pick < 0.35:
            return self.verdict(positive)
        if pick < 0.7:
            return self.rng.choice(good if positive else bad)
        return self.rng.choice(self.domain["good" if positive else "bad"])

    def component(self) -> str:
        component = self.rng.choice(self.domain["components"])
        return component, "are" if component.endswith("s") and not component.endswith("ss") else "is"

    def negated_verdict(self, positive: bool) -> str:
        """'the {component} isn't exactly brilliant' (negative), 'the {component} is never a problem' (positive)."""
        component, verb = self.component()
        prefixes, words = bank.NEGATED_VERDICTS[positive]
        prefix = self.rng.choice(prefixes)
        if verb == "are":
            prefix = prefix.replace("isn't", "aren't").replace("wasn't", "weren't").replace("is ", "are ") \
                .replace("has ", "have ")
        return f"the {component} {prefix} {self.rng.choice(words)}"

    def verdict(self, positive: bool, subject: str | None = None) -> str:
        """'the {component} is {verdict}', from a large vocabulary of verdicts."""
        if subject is None:
            subject = "the {} {}".format(*self.component())
        return f"{subject} {self.rng.choice(bank.INTENSIFIERS)}{zipf(self.rng, bank.VERDICTS[positive])}"

    def minor(self, positive: bool) -> str:
        pool = self.domain["good_minor" if positive else "bad_minor"] + bank.MINOR[positive]
        return self.rng.choice(pool)

    def said(self, clause: str, positive: bool) -> str:
        """An aspect clause as a sentence, with a lead that may or may not carry sentiment."""
        leads = bank.LEADS[positive] if self.rng.random() < 0.5 else bank.LEADS[None]
        return self.rng.choice(leads).format(a=clause, A=cap(clause))

    def opinion(self, bank_of: dict, positive: bool | None = None) -> str:
        positive = self.positive if positive is None else positive
        if bank_of is bank.STRONG and self.rng.random() < 0.75:
            return self.statement(positive)
        text = self.fill(zipf(self.rng, bank_of[positive]))
        return text + self.rng.choice([".", ".", "!", "."]) if text[-1] not in ".!?" else text

    def statement(self, positive: bool) -> str:
        """A sentence on the whole product from a large, combinatorial vocabulary."""
        kind = self.rng.random()
        if kind < 0.35:
            subject = self.rng.choice(["It", "This {p}", "The {p}", "Honestly, it", "So far it", "This thing",
                                       "My new {p}", "Overall it"])
            return self.fill(f"{subject} {zipf(self.rng, bank.PREDICATES[positive])}.")
        if kind < 0.6:
            target = self.rng.choice(["it", "this {p}", "the {p}", "the {component}"]).replace(
                "{component}", self.rng.choice(self.domain["components"]))
            return self.fill(f"{zipf(self.rng, bank.FEELINGS[positive])} {target}.")
        subject = self.rng.choice(["overall it's", "all in all, it's", "this {p} is", "the whole thing is",
                                   "in a word:", "I'd call it", "my verdict:", "honestly, it's", "it's"])
        return cap(self.verdict(positive, self.fill(subject))) + "."

    def context(self) -> str:
        return self.fill(self.rng.choice(bank.CONTEXT))

    def recommend(self) -> str:
        return self.fill(self.rng.choice(bank.RECOMMEND[self.positive]))

    def maybe(self, p: float, make) -> list[str]:
        return [make()] if self.rng.random() < p else []

    def shuffled(self, parts: list[str]) -> str:
        self.rng.shuffle(parts)
        return " ".join(parts)

    # --- one method per style; each returns (text, stars) ---------------------------------
    def unit(self) -> str:
        """One sentence that carries the review's sentiment, mostly from the large vocabularies."""
        pick = self.rng.random()
        if pick < 0.45:
            return cap(self.verdict(self.positive)) + self.rng.choice([".", ".", "!"])
        if pick < 0.8:
            return self.statement(self.positive)
        return self.said(self.aspect(), self.positive)

    def plain(self):
        parts = [self.unit() for _ in range(self.rng.choice([1, 1, 1, 2, 2, 3]))]
        parts += self.maybe(0.15, self.recommend)
        parts += self.maybe(0.1, self.context)
        return self.shuffled(list(dict.fromkeys(parts))), self.stars(strong=0.7)

    def long(self):
        aspects = {self.aspect() for _ in range(self.rng.choice([2, 3]))}
        parts = [self.said(a, self.positive) for a in sorted(aspects)]
        other = self.rng.choice(bank.PERIPHERAL[not self.positive]) if self.rng.random() < 0.5 \
            else self.minor(not self.positive)
        parts.append(self.said(other, not self.positive))
        parts.append(self.opinion(self.rng.choice([bank.STRONG, bank.MILD, bank.NEGATED])))
        parts += self.maybe(0.5, self.recommend)
        return self.context() + " " + self.shuffled(parts), self.stars(strong=0.5)  # context first, as people write

    def short(self):
        if self.rng.random() < 0.3:
            return self.fill(self.rng.choice(bank.LOW_SIGNAL)), self.stars(strong=0.3)
        return self.fill(zipf(self.rng, bank.SHORT[self.positive])), self.stars(strong=0.6)

    def contrast(self):
        pick = self.rng.random()
        x = (self.verdict(self.positive) if pick < 0.5 else self.aspect() if pick < 0.85
             else self.rng.choice(self.domain["two_sided_" + str(self.positive)]))
        peripheral = self.rng.random() < 0.5  # a strong point about delivery, looks, the seller
        y = self.rng.choice(bank.PERIPHERAL[not self.positive]) if peripheral else self.minor(not self.positive)
        templates = bank.CONTRAST[None] + bank.CONTRAST[self.positive]
        parts = [self.rng.choice(templates).format(x=x, X=cap(x), y=y, Y=cap(y))]
        parts += self.maybe(0.35, lambda: self.opinion(bank.MILD))
        parts += self.maybe(0.25, self.context)
        return self.shuffled(parts), self.stars(strong=0.25)

    def negation(self):
        parts = [self.opinion(bank.NEGATED) if self.rng.random() < 0.5
                 else cap(self.negated_verdict(self.positive)) + "."]
        parts += self.maybe(0.5, lambda: self.said(self.aspect(), self.positive))
        parts += self.maybe(0.4, self.context)
        return self.shuffled(parts), self.stars(strong=0.5)

    def lukewarm(self):
        parts = [self.opinion(bank.MILD), self.said(self.minor(self.positive), self.positive)]
        parts += self.maybe(0.5, lambda: self.said(self.minor(not self.positive), not self.positive))
        parts += self.maybe(0.3, self.context)
        return self.shuffled(parts), self.stars(strong=0.0)

    def sarcastic(self):
        g, b = self.aspect(True), self.aspect(False)
        v, n = self.rng.choice(bank.VERDICTS[True]), self.rng.choice(bank.VERDICTS[False])
        parts = [self.fill(self.rng.choice(bank.SARCASTIC[self.positive]), g=g, G=cap(g), b=b, B=cap(b),
                           v=v, V=cap(v), N=cap(n))]
        parts += self.maybe(0.3, self.context)
        return " ".join(parts), self.stars(strong=0.8)

    def domain_word(self):
        clause = self.rng.choice(self.domain["two_sided_" + str(self.positive)])
        parts = [self.said(clause, self.positive)]
        parts += self.maybe(0.4, lambda: self.opinion(bank.MILD))
        parts += self.maybe(0.3, self.context)
        return self.shuffled(parts), self.stars(strong=0.5)

    def informal(self):
        text, stars = getattr(self, self.rng.choice(["plain", "contrast", "negation", "short"]))()
        return informalize(self.rng, text, self.positive, heavy=True), stars

    def stars(self, strong: float) -> int:
        extreme = self.rng.random() < strong
        return (5 if extreme else 4) if self.positive else (1 if extreme else 2)


def informalize(rng: random.Random, text: str, positive: bool, heavy: bool) -> str:
    """Informal spelling: lower case, slang and misspellings, dropped apostrophes, a typo, a tag."""
    for word, slang in bank.SLANG.items():
        if rng.random() < (0.7 if heavy else 0.3):
            text = re.sub(rf"\b{word}\b", slang, text, flags=re.IGNORECASE)
    if rng.random() < (0.8 if heavy else 0.3):
        text = text.lower()
    if rng.random() < (0.7 if heavy else 0.3):
        text = text.replace("'", "")
    words = text.split(" ")
    for _ in range(rng.choice([1, 2]) if heavy else 1):
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) >= 5 and w.isalpha():
            j = rng.randrange(1, len(w) - 2)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:] if rng.random() < 0.5 else w[:j] + w[j] + w[j:]
    text = " ".join(words)
    if heavy and rng.random() < 0.5:
        text = re.sub(r"\b(so|good|bad|long|cool|no)\b", lambda m: m.group(0) + m.group(0)[-1] * 2, text)
    if heavy and rng.random() < 0.5:
        text = text.rstrip(".") + " " + rng.choice(bank.TAGS[positive])
    return text


def _two_sided(name: str, domain: dict) -> dict:
    """Add the domain's two-sided clauses ("the plot is unpredictable"), by polarity."""
    d = dict(domain)
    for positive in (True, False):
        d["two_sided_" + str(positive)] = [
            f"{use.split(':', 1)[1]} {adverb}{word}"
            for word, uses in TWO_SIDED.items() for use in uses[0 if positive else 1] if use.startswith(name + ":")
            for adverb in ("", "really ", "so ")]
    return d


def build_rows(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    rows, seen = [], set()
    styles, weights = list(STYLES), list(STYLES.values())
    for domain_name, raw_domain in DOMAINS.items():
        domain = _two_sided(domain_name, raw_domain)
        for positive in (True, False):
            made = 0
            while made < PER_DOMAIN_AND_LABEL:
                style = rng.choices(styles, weights)[0]
                review = Review(rng, domain, positive)
                text, stars = getattr(review, style)()
                if style != "informal" and rng.random() < 0.15:
                    text = informalize(rng, text, positive, heavy=False)
                key = re.sub(r"\W+", " ", text.lower()).strip()
                if key in seen:
                    continue
                seen.add(key)
                rows.append({"text": text, "label": "positive" if positive else "negative", "domain": domain_name,
                             "style": style, "stars": stars, "label_noise": "no"})
                made += 1
    _flip_some_labels(rng, rows)
    rng.shuffle(rows)
    return rows


def _flip_some_labels(rng: random.Random, rows: list[dict]) -> None:
    """Flip NOISE_PER_LABEL labels of each class (the rating contradicts the text), as many in
    each domain and direction, so every domain keeps 100 reviews of each label."""
    per_domain = NOISE_PER_LABEL // len(DOMAINS)
    for domain in DOMAINS:
        for label, other in (("positive", "negative"), ("negative", "positive")):
            candidates = [r for r in rows if r["domain"] == domain and r["label"] == label and r["label_noise"] == "no"]
            for row in rng.sample(candidates, per_domain):
                row.update(label=other, stars=6 - row["stars"], label_noise="yes")


def render(rows: list[dict]) -> str:
    """The CSV text of ``rows``, exactly as written to the file."""
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def summary(rows: list[dict]) -> dict:
    """Counts the data card states: labels, domains, styles, stars, flipped labels."""
    from collections import Counter

    def count(key, subset=rows):
        return dict(sorted(Counter(str(r[key]) for r in subset).items()))

    return {"rows": len(rows), "label": count("label"), "domain": count("domain"),
            "style": dict(Counter(r["style"] for r in rows).most_common()),
            "sarcastic_by_label": count("label", [r for r in rows if r["style"] == "sarcastic"]),
            "stars": count("stars"), "label_noise": count("label_noise")}


def main(argv=None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default: the package's file)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="only check that the file is what the generator writes")
    args = parser.parse_args(argv)
    rows = build_rows(args.seed)
    text = render(rows)
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from what the generator writes'}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {len(rows)} reviews to {args.out}")
    print(json.dumps(summary(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

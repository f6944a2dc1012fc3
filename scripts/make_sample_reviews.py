"""Write coursekit/data/sample_reviews.csv: the course's own sample customer reviews.

The reviews are composed from phrase banks written by the coursekit team for this
project (nothing is copied from a public data set). Composition is seeded, so the
file is reproducible: ``python scripts/make_sample_reviews.py`` rewrites it byte for
byte. See coursekit/data/DATA_CARD.md for what the file is and is not good for.
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 20261126
PER_DOMAIN_AND_LABEL = 100  # 5 domains x 2 labels x 100 = 1,000 reviews
OUT = Path(__file__).resolve().parents[1] / "coursekit" / "data" / "sample_reviews.csv"

DOMAINS = {
    "electronics": {
        "products": ["wireless earbuds", "phone charger", "bluetooth speaker", "laptop stand", "smart watch",
                     "USB-C hub", "noise-cancelling headphones", "webcam", "e-reader", "portable SSD"],
        "good": ["the battery lasts all day", "pairing took seconds", "the sound is crisp and full",
                 "it charges my phone quickly", "the build feels solid", "setup was painless",
                 "the picture is sharp even in dim light", "transfers are fast"],
        "bad": ["the battery died within a week", "it keeps disconnecting", "the sound crackles at any volume",
                "it gets worryingly hot", "the buttons stopped responding", "the app crashes constantly",
                "the cable frayed after a month", "it would not pair with my laptop"],
    },
    "kitchen": {
        "products": ["chef's knife", "air fryer", "coffee grinder", "non-stick pan", "blender",
                     "kettle", "rice cooker", "cutting board", "stand mixer", "food storage set"],
        "good": ["it heats evenly", "cleanup takes a minute", "the blade stays sharp",
                 "my coffee has never tasted better", "it is quiet for its power", "the lids seal tightly",
                 "dinner is ready in half the time", "it feels sturdy on the counter"],
        "bad": ["the coating peeled after three uses", "it leaks from the base", "the motor smells like it is burning",
                "the handle wobbles", "food sticks no matter what", "the lid cracked on day two",
                "it is far too loud to use in the morning", "the timer stopped working"],
    },
    "books": {
        "products": ["thriller", "cookbook", "biography", "fantasy novel", "self-help book",
                     "history book", "children's picture book", "poetry collection", "travel guide", "graphic novel"],
        "good": ["the characters feel real", "I could not put it down", "the recipes actually work",
                 "the writing is warm and clear", "the illustrations are gorgeous", "every chapter taught me something",
                 "the ending surprised me", "the pacing is perfect"],
        "bad": ["the plot goes nowhere", "the ending felt rushed and lazy", "half the recipes do not work",
                "the print is blurry", "it is padded with filler", "the characters are flat",
                "the facts are out of date", "the binding fell apart"],
    },
    "apparel": {
        "products": ["rain jacket", "running shoes", "wool sweater", "pair of jeans", "winter coat",
                     "backpack", "hiking socks", "t-shirt", "leather belt", "sun hat"],
        "good": ["it fits true to size", "the fabric is soft and breathable", "it kept me dry in a downpour",
                 "the stitching is neat", "my feet never hurt", "it still looks new after many washes",
                 "it is warm without being bulky", "the colour is exactly as pictured"],
        "bad": ["it shrank after one wash", "the seams split on the first wear", "it runs two sizes small",
                "the colour faded quickly", "the zipper broke", "the fabric is itchy and thin",
                "it gave me blisters", "water soaked straight through"],
    },
    "home": {
        "products": ["desk lamp", "vacuum cleaner", "office chair", "bed sheet set", "space heater",
                     "bookshelf", "air purifier", "shower head", "curtain set", "robot mop"],
        "good": ["assembly took ten minutes", "it is comfortable for long days", "the light is warm and even",
                 "the room feels fresher", "it picks up every crumb", "it looks great in the living room",
                 "the sheets get softer with each wash", "the instructions were clear"],
        "bad": ["pieces were missing from the box", "it wobbles on a flat floor", "it stopped working after a month",
                "the finish scratched immediately", "it is much louder than advertised", "the screws stripped during assembly",
                "the fabric pilled within weeks", "the remote never worked"],
    },
}

POS_OPENERS = ["Really happy with this {p}.", "This {p} is excellent.", "I love this {p}.",
               "Best {p} I have owned.", "Great {p} for the price.", "Five stars for this {p}."]
NEG_OPENERS = ["Very disappointed with this {p}.", "This {p} is a waste of money.", "I regret buying this {p}.",
               "Worst {p} I have owned.", "Avoid this {p}.", "One star for this {p}."]
POS_CLOSERS = ["Would buy again.", "Highly recommended.", "I already ordered another one as a gift.",
               "Worth every penny.", "No regrets at all."]
NEG_CLOSERS = ["Returning it.", "Do not buy.", "I want my money back.", "Never again.",
               "Save yourself the trouble."]
# Negation: the sentiment word is flipped by "not", "never", "no".
NEG_POSITIVE = ["Not bad at all, {g}.", "I was not disappointed: {g}.", "I can't complain, {g}.",
                "Never had a single problem with this {p}; {g}.", "No complaints here, {g}."]
NEG_NEGATIVE = ["Not worth the money: {b}.", "I would not recommend this {p}; {b}.", "This {p} is not good, {b}.",
                "Never buying this brand again, {b}.", "No, just no. {b_cap}."]
SARCASTIC = ["Oh great, {b}. Exactly what I wanted from a {p}.",
             "Wow, what a bargain: {b}. Truly amazing quality.",
             "Love how {b}. Perfect, just perfect.",
             "Fantastic {p}, if you enjoy the fact that {b}.",
             "Ten out of ten for creativity: {b}. Bravo."]
MIXED_POSITIVE = ["{b_cap}, but honestly {g} and that matters more. Happy overall.",
                  "It is not perfect ({b}), yet {g}. I would buy it again.",
                  "At first I was annoyed that {b}, but {g} and I have come around. Recommended."]
MIXED_NEGATIVE = ["{g_cap}, but {b}, which ruins it. Disappointed overall.",
                  "I wanted to like this {p} because {g}, but {b}. Sending it back.",
                  "Sure, {g}. Still, {b}, so I cannot recommend it."]


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def _compose(rng: random.Random, domain: dict, positive: bool) -> tuple[str, str]:
    p = rng.choice(domain["products"])
    g, g2 = rng.sample(domain["good"], 2)
    b, b2 = rng.sample(domain["bad"], 2)
    fill = {"p": p, "g": g, "b": b, "g_cap": _cap(g), "b_cap": _cap(b)}
    kind = rng.choices(["plain", "short", "long", "negation", "mixed", "sarcastic"],
                       weights=[3, 2, 2, 2, 2, 1 if positive else 0])[0]
    if positive:
        if kind == "plain":
            text = f"{rng.choice(POS_OPENERS).format(**fill)} {_cap(g)}. {rng.choice(POS_CLOSERS)}"
        elif kind == "short":
            text = rng.choice(POS_OPENERS).format(**fill)
        elif kind == "long":
            text = (f"{rng.choice(POS_OPENERS).format(**fill)} {_cap(g)}, and {g2}. "
                    f"I compared a few before choosing this {p} and I am glad I did. {rng.choice(POS_CLOSERS)}")
        elif kind == "negation":
            text = rng.choice(NEG_POSITIVE).format(**fill)
        else:
            text = rng.choice(MIXED_POSITIVE).format(**fill)
    else:
        if kind == "plain":
            text = f"{rng.choice(NEG_OPENERS).format(**fill)} {_cap(b)}. {rng.choice(NEG_CLOSERS)}"
        elif kind == "short":
            text = rng.choice(NEG_OPENERS).format(**fill)
        elif kind == "long":
            text = (f"{rng.choice(NEG_OPENERS).format(**fill)} {_cap(b)}, and {b2}. "
                    f"I gave this {p} a fair chance for a few weeks. {rng.choice(NEG_CLOSERS)}")
        elif kind == "negation":
            text = rng.choice(NEG_NEGATIVE).format(**fill)
        elif kind == "sarcastic":
            text = rng.choice(SARCASTIC).format(**fill)
        else:
            text = rng.choice(MIXED_NEGATIVE).format(**fill)
    return text, kind


def build_rows(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    rows, seen = [], set()
    for domain_name, domain in DOMAINS.items():
        for positive in (True, False):
            made = 0
            while made < PER_DOMAIN_AND_LABEL:
                text, kind = _compose(rng, domain, positive)
                if text in seen:
                    continue
                seen.add(text)
                rows.append({"text": text, "label": "positive" if positive else "negative",
                             "domain": domain_name, "style": kind})
                made += 1
    rng.shuffle(rows)
    return rows


def main() -> None:
    rows = build_rows()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["text", "label", "domain", "style"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} reviews to {OUT}")


if __name__ == "__main__":
    main()

"""Accuracy and urgent recall of the feedback classifier on the labelled examples in the repository.

Run: .venv/bin/python bench/feedback_classifier.py
Prints figures for (a) a held-out quarter (fixed seed, stratified by category, the model trained without it),
(b) the same held-out part typed without diacritics, (c) all examples with the model trained on all of them, and the
keyword rules alone as a baseline.
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.core.text import ascii_fold  # noqa: E402
from services.feedback.classifier import (  # noqa: E402
    CATEGORIES,
    Example,
    has_urgent_words,
    keyword_scores,
    load_examples,
    train,
)

SEED = 20260621
HELD_OUT_SHARE = 0.25


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    by_category: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_category[example.category].append(example)
    rng = random.Random(SEED)
    train_part, held_out = [], []
    for category in sorted(by_category):
        group = by_category[category][:]
        rng.shuffle(group)
        cut = max(1, round(len(group) * HELD_OUT_SHARE))
        held_out += group[:cut]
        train_part += group[cut:]
    return train_part, held_out


def evaluate(predict, examples: list[Example]) -> dict:
    correct = sum(predict(e.text)[0] == e.category for e in examples)
    urgent = [e for e in examples if e.urgent]
    found = sum(predict(e.text)[1] for e in urgent)
    false_alarms = sum(predict(e.text)[1] for e in examples if not e.urgent)
    return {
        "n": len(examples),
        "accuracy": correct / len(examples),
        "urgent_recall": found / len(urgent) if urgent else float("nan"),
        "urgent_n": len(urgent),
        "false_urgent": false_alarms,
    }


def keywords_only(text: str) -> tuple[str, bool]:
    from services.feedback.classifier import fold

    scores = keyword_scores(fold(text))
    best = max(scores, key=scores.get)
    return (best if scores[best] else "khac"), has_urgent_words(fold(text))


def model_predict(classifier):
    def predict(text: str) -> tuple[str, bool]:
        result = classifier.classify(text)
        return result.category, result.urgent

    return predict


class _ModelAlone:
    def __init__(self, classifier):
        self.classifier = classifier

    def classify(self, text: str):
        from services.feedback.classifier import Classification, fold

        model = self.classifier.category_model
        folded = fold(text)
        probabilities = model.predict_proba([folded])[0]
        best = probabilities.argmax()
        return Classification(model.classes_[best], self.classifier.classify(text).urgent, float(probabilities[best]))


def line(label: str, figures: dict) -> str:
    return (
        f"{label:<48} n={figures['n']:>3}  accuracy={figures['accuracy']:.3f}  "
        f"urgent recall={figures['urgent_recall']:.3f} (of {figures['urgent_n']})  "
        f"false urgent={figures['false_urgent']}"
    )


def main() -> None:
    examples = load_examples()
    train_part, held_out = split(examples)
    started = time.perf_counter()
    classifier = train(train_part)
    train_seconds = time.perf_counter() - started
    folded_held_out = [Example(ascii_fold(e.text), e.category, e.urgent) for e in held_out]
    full = train(examples)

    print(f"labelled examples: {len(examples)} in {len(CATEGORIES)} categories")
    print(f"held out: {len(held_out)} (seed {SEED}, stratified by category)")
    print(f"training time on {len(train_part)} examples: {train_seconds:.2f} s")
    held = evaluate(model_predict(classifier), held_out)
    print(line("held-out part, model trained without it", held))
    print(line("held-out part typed without diacritics", evaluate(model_predict(classifier), folded_held_out)))
    print(line("all examples, model trained on all", evaluate(model_predict(full), examples)))
    model_alone = evaluate(model_predict(_ModelAlone(classifier)), held_out)
    print(line("model alone (no keyword rules), held-out part", model_alone))
    baseline = evaluate(keywords_only, held_out)
    print(line("baseline: keyword rules alone, held-out part", baseline))
    if baseline["accuracy"]:
        print(f"held-out accuracy / keyword baseline: {held['accuracy'] / baseline['accuracy']:.2f}x")
    started = time.perf_counter()
    for example in examples:
        full.classify(example.text)
    per_item_ms = (time.perf_counter() - started) / len(examples) * 1000
    print(f"classification time: {per_item_ms:.2f} ms per message")
    print(f"HELD-OUT ACCURACY {held['accuracy']:.3f} ({'meets' if held['accuracy'] >= 0.85 else 'BELOW'} 0.85)")


if __name__ == "__main__":
    main()

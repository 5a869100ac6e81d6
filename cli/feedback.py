"""Feedback commands: classify-feedback (JSON lines in, JSON lines out) with the model the portal uses."""

from __future__ import annotations

import json
import sys

from cli import command, engine
from db.engine import read
from services.feedback.classifier import current_classifier


@command(
    "classify-feedback",
    'Phân loại phản ánh: đọc từng dòng JSON {"text": "..."} từ stdin, in {"category", "urgent", "confidence"}',
)
def classify_feedback(_args, stdin=None, stdout=None) -> None:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    with read(engine()) as conn:
        classifier = current_classifier(conn)
    for line in stdin:
        if not line.strip():
            continue
        stdout.write(json.dumps(_classify_line(classifier, line), ensure_ascii=False) + "\n")
        stdout.flush()


def _classify_line(classifier, line: str) -> dict:
    try:
        text = json.loads(line).get("text")
    except (ValueError, AttributeError):
        return {"error": 'Dòng không phải JSON dạng {"text": "..."}.'}
    if not isinstance(text, str):
        return {"error": 'Thiếu trường "text" (chuỗi).'}
    return classifier.classify(text).as_dict()

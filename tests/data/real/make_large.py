"""Large files where size is the point, made at test time from the real rows beside this script (nothing committed).

cp949_csv: the Korean rows of chatbot_qa_cp949.csv, numbered and repeated into a multi-MB CP949 CSV.
whisper_json: the segments of whisperx_call_en.json repeated with shifted times into one line of Whisper JSON.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).parent


def korean_rows() -> list[list[str]]:
    """The (Q, A, label) rows of the real CP949 sample."""
    text = (HERE / "chatbot_qa_cp949.csv").read_bytes().decode("cp949")
    return list(csv.reader(io.StringIO(text)))[1:]


def cp949_csv(path: Path, rows: int = 38_594) -> Path:
    """Write `rows` numbered Korean rows (id, Q, A, label) as a CP949 CSV with CRLF, as Korean Excel saves it."""
    source = korean_rows()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "Q", "A", "label"])
    for i in range(rows):
        q, a, label = source[i % len(source)]
        writer.writerow([i + 1, q, a, label])
    path.write_bytes(out.getvalue().encode("cp949"))
    return path


def whisper_segments() -> list[dict]:
    """The real segments (with their words) of the WhisperX sample."""
    return json.loads((HERE / "whisperx_call_en.json").read_text(encoding="utf-8"))["segments"]


def whisper_json(path: Path, seconds: float = 3 * 3600) -> Path:
    """Write one line of openai-whisper JSON covering `seconds` of speech from the real segments, times shifted."""
    source = whisper_segments()
    span = source[-1]["end"] + 1.0
    segments: list[dict] = []
    offset = 0.0
    while offset < seconds:
        for seg in source:
            shift = lambda t: round(t + offset, 3)  # noqa: E731
            words = [{**w, "start": shift(w["start"]), "end": shift(w["end"])} for w in seg["words"]]
            segments.append({"id": len(segments), "start": shift(seg["start"]), "end": shift(seg["end"]),
                             "text": seg["text"], "words": words})
        offset += span
    doc = {"text": "".join(s["text"] for s in segments), "segments": segments, "language": "en"}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path

"""What users write: asyncio.gather over the openai SDK with a semaphore, default retries, no pacing.

python -m bench.plain_sdk rows.csv --concurrency 32 --out answers.csv   (OPENAI_BASE_URL, OPENAI_API_KEY)
"""

from __future__ import annotations

import argparse
import asyncio
import csv

import openai


async def _run(texts: list[str], concurrency: int, model: str) -> list[str | None]:
    client = openai.AsyncOpenAI()
    gate = asyncio.Semaphore(concurrency)

    async def one(text: str) -> str | None:
        async with gate:
            try:
                resp = await client.chat.completions.create(
                    model=model,
                    messages=[{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": text}],
                )
            except openai.OpenAIError:
                return None
            return resp.choices[0].message.content

    try:
        return await asyncio.gather(*(one(t) for t in texts))
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> int:
    """Answer every row's text column; a row whose request failed gets an empty answer."""
    p = argparse.ArgumentParser(prog="python -m bench.plain_sdk")
    p.add_argument("input")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--model", default="gpt-4o-mini")
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    with open(args.input, encoding="utf-8-sig", newline="") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    answers = asyncio.run(_run(texts, args.concurrency, args.model))
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "output"])
        w.writerows(zip(texts, [a or "" for a in answers]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

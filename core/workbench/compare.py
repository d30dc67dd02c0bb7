"""Variants of a prompt (system, template, model, temperature) run on the same rows through the row service."""

from __future__ import annotations

import asyncio
import string
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from core.engines.factory import choose_engine
from core.engines.layers import RunOptions, build_engine
from core.engines.pricing import load_prices
from core.errors import ConfigError
from core.rows.plan import RowPlan, row_plan
from core.rows.results import RowResult, RunStats, run_stats, unique_name
from core.rows.service import OnResult, RunSetup, execute
from core.settings import ModelSettings
from core.store import Store
from core.workbench.agreement import Agreement, agreement, same
from core.workbench.examples import ExamplePicker, with_examples

DEFAULT_TEMPLATE = "{text}"


@dataclass(frozen=True)
class Variant:
    """One way of asking: what differs from the base settings (None: as the task or the settings say)."""

    label: str
    system: str | None = None
    template: str | None = None
    model: str | None = None
    temperature: float | None = None


def make_variants(
    *,
    systems: Sequence[str] = (),
    templates: Sequence[str] = (),
    models: Sequence[str] = (),
    temperatures: Sequence[float] = (),
    labels: Sequence[str] = (),
) -> list[Variant]:
    """Variants from repeated options: one value is shared by all, several give one variant each."""
    lists = {"system": list(systems), "template": list(templates), "model": list(models)}
    lists["temperature"] = list(temperatures)
    n = max([len(v) for v in lists.values()] + [len(labels), 1])
    for name, values in lists.items():
        if len(values) not in (0, 1, n):
            raise ConfigError(
                f"{len(values)} --{name} for {n} variants: give one (shared) or {n}.", code="config.variants", name=name
            )
    if labels and len(labels) != n:
        raise ConfigError(f"{len(labels)} --label for {n} variants.", code="config.variants", name="label")
    names = list(labels) or [_letter(i) for i in range(n)]
    if len(set(names)) != n:
        raise ConfigError("Each variant needs its own label.", code="config.variants", name="label")

    def pick(values: list, i: int):
        return values[i] if len(values) == n else (values[0] if values else None)

    return [
        Variant(
            names[i],
            pick(lists["system"], i),
            pick(lists["template"], i),
            pick(lists["model"], i),
            pick(lists["temperature"], i),
        )
        for i in range(n)
    ]


def _letter(i: int) -> str:
    letters = string.ascii_uppercase
    return letters[i] if i < len(letters) else f"V{i + 1}"


@dataclass(frozen=True)
class Base:
    """What every variant shares: the task or template, labels, columns and the model settings."""

    task: str | None = None
    template: str | None = None
    system: str | None = None
    labels: tuple[str, ...] | None = None
    text_column: str | None = None
    output_column: str | None = None
    settings: ModelSettings = field(default_factory=ModelSettings)
    examples: ExamplePicker | None = None

    def plan(self, v: Variant) -> RowPlan:
        """The row plan of one variant."""
        template = v.template if v.template is not None else self.template
        if self.task is None and template is None:
            template = DEFAULT_TEMPLATE
        plan = row_plan(
            task=self.task,
            template=template,
            system=v.system if v.system is not None else self.system,
            labels=list(self.labels) if self.labels is not None else None,
            text_column=self.text_column,
            output_column=self.output_column,
        )
        return replace(plan, template=with_examples(plan.template, self.examples))

    def model_settings(self, v: Variant) -> ModelSettings:
        """The model settings of one variant."""
        s = self.settings
        return replace(
            s,
            model=v.model or s.model,
            temperature=s.temperature if v.temperature is None else v.temperature,
        )


@dataclass
class VariantRun:
    """One variant's answers on the sample, with what they cost and how long they took."""

    variant: Variant
    plan: RowPlan
    settings: ModelSettings
    engine: str
    results: list[RowResult]
    seconds: float

    @property
    def stats(self) -> RunStats:
        """Counts, tokens and latency of the variant's rows."""
        return run_stats(self.results)

    @property
    def cost(self) -> float | None:
        """What the variant's answers cost (None: no price for the model; 0 offline or from the store)."""
        if self.engine != "openai":
            return 0.0
        st = self.stats
        return load_prices().cost(self.settings.model, st.prompt_tokens, st.completion_tokens)

    def answers(self) -> list[str]:
        """The answers in sample order ("" where there is none)."""
        return [r.output if r.status in ("ok", "review") else "" for r in self.results]


@dataclass
class Comparison:
    """The sampled rows (their numbers in the table) and each variant's run on them."""

    rows: list[int]
    runs: list[VariantRun]

    def same(self) -> list[bool]:
        """Per sampled row: whether every variant answered, and all alike (a failed row is never the same)."""
        columns = [run.answers() for run in self.runs]
        answered = [[r.status in ("ok", "review") for r in run.results] for run in self.runs]
        return [
            all(ok[k] for ok in answered) and all(same(col[k], columns[0][k]) for col in columns)
            for k in range(len(self.rows))
        ]

    def changed(self) -> int:
        """Rows where the variants' answers differ."""
        return self.same().count(False)

    def agreement(self, a: int = 0, b: int = 1) -> Agreement:
        """Agreement (and Cohen's kappa) between two variants."""
        return agreement(self.runs[a].answers(), self.runs[b].answers())

    def frame(self, df: pd.DataFrame, output_column: str | None = None, details: bool = False) -> pd.DataFrame:
        """The sampled rows' input columns, one answer column per variant (NAME_label), then `same` yes/no."""
        out = df.iloc[self.rows].reset_index(drop=True).copy()
        name = output_column or self.runs[0].plan.output_column
        for run in self.runs:
            out[unique_name(f"{name}_{run.variant.label}", out.columns)] = run.answers()
            if details:
                out[unique_name(f"status_{run.variant.label}", out.columns)] = [r.status for r in run.results]
        out[unique_name("same", out.columns)] = ["yes" if s else "no" for s in self.same()]
        return out


async def compare(
    df: pd.DataFrame,
    file_name: str,
    base: Base,
    variants: Sequence[Variant],
    rows: Sequence[int],
    *,
    options: RunOptions = RunOptions(),
    engine: str | None = None,
    store: Store | None = None,
    on_result: OnResult | None = None,
    cancel=None,
) -> Comparison:
    """Ask every variant about the same rows, one variant after the other (so one pacing limit holds).

    Answers go through the store's request keys (identical requests are not paid twice) but no run is recorded:
    a sample is a try, not a run."""
    sample = df.iloc[list(rows)].reset_index(drop=True)
    runs: list[VariantRun] = []

    def report(result: RowResult, done: int, total: int) -> None:
        if on_result is not None:  # row numbers of the table, not of the sample
            on_result(replace(result, row=rows[result.row]), done, total)

    for v in variants:
        plan, settings = base.plan(v), base.model_settings(v)
        name, _ = choose_engine(settings, engine)
        setup = RunSetup(sample, file_name, plan, settings, options, engine)
        started = time.perf_counter()
        wrapped = build_engine(settings, name, plan.task, options, store)
        outcome = await execute(setup, engine=wrapped, on_result=report, cancel=cancel)
        results = [replace(r, row=rows[r.row]) for r in outcome.results]
        runs.append(VariantRun(v, plan, settings, outcome.engine, results, time.perf_counter() - started))
    return Comparison(list(rows), runs)


def compare_sync(*args, **kwargs) -> Comparison:
    """compare() from synchronous code."""
    return asyncio.run(compare(*args, **kwargs))

"""The three rates (三率), the composite score and the ranking classes as pure functions (issue 6,
"The three rates and rankings"; RULES §7: "the filer rates contact, solution and satisfaction. The three
rates count in performance assessment; monthly rankings"). No database, no request: selectors count,
these functions define what the counts mean. Every weight and threshold is a setting
(``APPEAL_BASIC_SATISFIED_WEIGHT``, ``APPEAL_SCORE_WEIGHTS``, ``APPEAL_CLASS_*``, ``APPEAL_PROGRESS_*``).

Definitions (shown next to the numbers on the pages, ``DEFINITIONS``):

- 响应率 = responded within the response deadline / due for response. An appeal is *due for response*
  once it was responded (签收), once its response deadline passed, or once it is finished; one that
  passed its deadline unresponded counts as not on time.
- 解决率 = rated 解决 / rated (the filer answered 是否解决 at the callback).
- 满意率 = (满意 + 基本满意 × weight) / rated (the filer answered 是否满意).
- 按时办结率 = finished on time / (finished + open past the completion deadline), so that leaving work
  open never improves the rate.
- 综合得分 = 100 × Σ weightᵢ × rateᵢ / Σ weightᵢ over the rates that have a denominator (default weights
  响应 10, 解决 45, 满意 45; a fourth weight scores 按时办结率). No denominator at all: no score ("—").

Merged duplicates (合并) are counted once, in the appeal they were merged into: a merged row counts for
nothing. Percentages are rounded half up (1 of 8 is 12.5 %, shown 12.5; 2 of 3 is 66.7).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

OPEN = ("received", "dispatched", "accepted", "in_progress", "returned", "parked")
FINISHED = ("resolved", "visited", "closed")
MERGED = "merged"

RATE_KEYS = ("response", "solution", "satisfaction", "on_time")


@dataclass(frozen=True)
class Parameters:
    """The settings the rates and classes were computed with (stored with a published ranking)."""

    basic_weight: Fraction = Fraction(4, 5)
    weights: tuple[int | Fraction, ...] = (10, 45, 45, 0)  # 响应, 解决, 满意, 按时办结
    advanced: Fraction = Fraction(90)
    rectify: Fraction = Fraction(75)
    govern: Fraction = Fraction(60)
    progress_places: int = 3
    progress_points: Fraction = Fraction(5)

    def as_dict(self) -> dict:
        return {"basic_weight": _num(self.basic_weight), "weights": dict(zip(RATE_KEYS, map(_num, self.weights),
                                                                             strict=True)),
                "advanced": _num(self.advanced), "rectify": _num(self.rectify), "govern": _num(self.govern),
                "progress_places": self.progress_places, "progress_points": _num(self.progress_points)}


def _num(value) -> float | int:
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def _fraction(name: str, raw) -> Fraction:
    try:
        value = Fraction(Decimal(str(raw).strip()))
    except (InvalidOperation, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}: not a number: {raw!r}") from exc
    if value < 0:
        raise ImproperlyConfigured(f"{name}: must not be negative: {raw!r}")
    return value


def parse_weights(raw: str) -> tuple[Fraction, ...]:
    """``"10,45,45"`` (响应, 解决, 满意) or with a fourth weight for 按时办结率; at least one positive."""
    parts = [p for p in str(raw).replace("，", ",").split(",") if p.strip()]
    if len(parts) not in (3, 4):
        raise ImproperlyConfigured(f"APPEAL_SCORE_WEIGHTS: three or four numbers, got {raw!r}")
    weights = tuple(_fraction("APPEAL_SCORE_WEIGHTS", p) for p in parts) + ((Fraction(0),) if len(parts) == 3 else ())
    if not any(weights):
        raise ImproperlyConfigured("APPEAL_SCORE_WEIGHTS: at least one weight must be positive")
    return weights


def parameters_from(conf) -> Parameters:
    """Read the parameters from a settings object (``django.conf.settings``); defaults when absent."""
    basic = _fraction("APPEAL_BASIC_SATISFIED_WEIGHT", getattr(conf, "APPEAL_BASIC_SATISFIED_WEIGHT", "0.8"))
    if basic > 1:
        raise ImproperlyConfigured("APPEAL_BASIC_SATISFIED_WEIGHT: between 0 and 1")
    return Parameters(
        basic_weight=basic,
        weights=parse_weights(getattr(conf, "APPEAL_SCORE_WEIGHTS", "10,45,45")),
        advanced=_fraction("APPEAL_CLASS_ADVANCED", getattr(conf, "APPEAL_CLASS_ADVANCED", "90")),
        rectify=_fraction("APPEAL_CLASS_RECTIFY", getattr(conf, "APPEAL_CLASS_RECTIFY", "75")),
        govern=_fraction("APPEAL_CLASS_GOVERN", getattr(conf, "APPEAL_CLASS_GOVERN", "60")),
        progress_places=int(getattr(conf, "APPEAL_PROGRESS_PLACES", 3)),
        progress_points=_fraction("APPEAL_PROGRESS_POINTS", getattr(conf, "APPEAL_PROGRESS_POINTS", "5")),
    )


@dataclass
class Counts:
    """The numerators and denominators of one unit and period (all plain counts, so they add up)."""

    received: int = 0  # received in the period (merged duplicates excluded)
    due_response: int = 0
    responded_on_time: int = 0
    solved_rated: int = 0
    solved: int = 0
    satisfied_rated: int = 0
    satisfied: int = 0
    basic: int = 0
    finished: int = 0
    finished_on_time: int = 0
    open_overdue: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


COUNT_FIELDS = tuple(f.name for f in fields(Counts))


def contribution(row, now: datetime) -> Counts:
    """What one appeal adds to its unit's counts, judged at ``now`` — the definition the SQL of the
    selectors implements (and the tests compare against). ``row`` has the Appeal's fields."""
    c = Counts()
    if row.status == MERGED:
        return c
    c.received = 1
    finished = row.status in FINISHED
    if row.responded_at is not None:
        c.due_response = 1
        c.responded_on_time = 1 if row.responded_on_time else 0
    elif finished or (row.response_due_at is not None and row.response_due_at <= now):
        c.due_response = 1  # never responded, and its time is up: not on time
    if row.cb_solved:
        c.solved_rated = 1
        c.solved = 1 if row.cb_solved == "solved" else 0
    if row.cb_satisfied:
        c.satisfied_rated = 1
        c.satisfied = 1 if row.cb_satisfied == "satisfied" else 0
        c.basic = 1 if row.cb_satisfied == "basic" else 0
    if finished:
        c.finished = 1
        c.finished_on_time = 1 if row.completed_on_time else 0
    elif row.status in OPEN and row.complete_due_at is not None and row.complete_due_at < now:
        c.open_overdue = 1
    return c


def ratio(part: int | Fraction, whole: int) -> Fraction | None:
    """``part / whole``, or None when nothing is due (an empty denominator is shown "—", never 0 or 100)."""
    return Fraction(part) / whole if whole else None


def percent(value: Fraction | None, places: int = 1) -> Decimal | None:
    """A fraction as a percentage rounded half up to ``places`` decimals (compliance.percent's rule)."""
    if value is None:
        return None
    exact = Decimal(value.numerator * 100) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass
class Rates:
    response: Fraction | None
    solution: Fraction | None
    satisfaction: Fraction | None
    on_time: Fraction | None
    score: Fraction | None  # 0..100
    counts: Counts = field(default_factory=Counts)

    def as_dict(self) -> dict:
        """Percentages (one decimal, half up) and the score (two decimals) as numbers or None."""
        out = {k: _out(percent(getattr(self, k))) for k in RATE_KEYS}
        out["score"] = _out(round_score(self.score))
        return out


def _out(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def round_score(score: Fraction | None) -> Decimal | None:
    if score is None:
        return None
    exact = Decimal(score.numerator) / Decimal(score.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rates(counts: Counts, params: Parameters) -> Rates:
    """The four rates and the composite score of ``counts``."""
    response = ratio(counts.responded_on_time, counts.due_response)
    solution = ratio(counts.solved, counts.solved_rated)
    satisfaction = ratio(counts.satisfied + counts.basic * params.basic_weight, counts.satisfied_rated)
    on_time = ratio(counts.finished_on_time, counts.finished + counts.open_overdue)
    return Rates(response, solution, satisfaction, on_time,
                 composite((response, solution, satisfaction, on_time), params.weights), counts)


def composite(values, weights) -> Fraction | None:
    """100 × Σ wᵢ·rᵢ / Σ wᵢ over the rates that exist (a rate with no denominator drops out with its
    weight rather than counting as 0 or 100); None when no weighted rate exists."""
    total = weight_sum = Fraction(0)
    for value, weight in zip(values, weights, strict=False):
        if value is None or not weight:
            continue
        total += Fraction(weight) * value
        weight_sum += Fraction(weight)
    return 100 * total / weight_sum if weight_sum else None


def competition_ranks(scores: list[Fraction | None]) -> list[int | None]:
    """Ranks 1, 2, 2, 4 … by score, highest first; equal scores (rounded to 0.01) share a rank; a unit
    without a score is not ranked (None)."""
    keyed = sorted((round_score(s), i) for i, s in enumerate(scores) if s is not None)
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    ranks: list[int | None] = [None] * len(scores)
    previous, previous_rank = None, 0
    for position, (value, index) in enumerate(keyed, start=1):
        rank = previous_rank if value == previous else position
        ranks[index] = rank
        previous, previous_rank = value, rank
    return ranks


ADVANCED, PROGRESS, RECTIFY, GOVERN = "advanced", "progress", "rectify", "govern"
CLASS_LABELS = {ADVANCED: _("先进类"), PROGRESS: _("进步类"), RECTIFY: _("整改类"), GOVERN: _("治理类"), "": ""}


def classify(score: Fraction | None, rank: int | None, previous_score: Fraction | None,
             previous_rank: int | None, params: Parameters) -> str:
    """The class of a ranked unit:

    - 先进类: score ≥ ``APPEAL_CLASS_ADVANCED`` (90);
    - 治理类: score < ``APPEAL_CLASS_GOVERN`` (60); 整改类: score < ``APPEAL_CLASS_RECTIFY`` (75) — a unit
      still below these lines stays there even if it rose;
    - 进步类: otherwise, when it rose by ≥ ``APPEAL_PROGRESS_PLACES`` (3) places or by ≥
      ``APPEAL_PROGRESS_POINTS`` (5) points against last month (needs a score last month too);
    - no class ("") otherwise, and for a unit without a score.
    """
    if score is None:
        return ""
    if score >= params.advanced:
        return ADVANCED
    if score < params.govern:
        return GOVERN
    if score < params.rectify:
        return RECTIFY
    if previous_score is not None and score - previous_score >= params.progress_points:
        return PROGRESS
    if previous_rank is not None and rank is not None and previous_rank - rank >= params.progress_places:
        return PROGRESS
    return ""


DEFINITIONS = {
    "response": _("响应率 = 按时响应数 ÷ 应响应数。已签收、已过响应期限或已办结的诉求计入应响应数；"
                  "超过响应期限仍未签收的计为未按时响应。"),
    "solution": _("解决率 = 回访评价为“解决”的数量 ÷ 参与“是否解决”评价的数量。"),
    "satisfaction": _("满意率 = （满意数 + 基本满意数 × %(weight)s）÷ 参与“是否满意”评价的数量。"),
    "on_time": _("按时办结率 = 按时办结数 ÷（已办结数 + 未办结且已超期数）。诉求压着不办不会提高该率。"),
    "score": _("综合得分 = 各率按权重加权平均（响应 %(response)s、解决 %(solution)s、满意 %(satisfaction)s、"
               "按时办结 %(on_time)s）；没有分母的率不参与加权。"),
    "period": _("按受理时间所在月份统计；超期按查询时点判断；合并的重复诉求只在合并后的诉求中计一次。"),
}


def definitions(params: Parameters) -> dict[str, str]:
    """The definitions with the weights in force filled in."""
    weights = dict(zip(RATE_KEYS, (str(_num(w)) for w in params.weights), strict=True))
    out = {k: str(v) for k, v in DEFINITIONS.items()}
    out["satisfaction"] = str(DEFINITIONS["satisfaction"]) % {"weight": _num(params.basic_weight)}
    out["score"] = str(DEFINITIONS["score"]) % weights
    return out

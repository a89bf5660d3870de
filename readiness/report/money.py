"""Money and time in the report: indicative cost ranges, the phase budget against the enterprise's own
budget answers, and the quick wins (high impact for little money).

Every figure comes from the content (cost and gain on actions and scenarios, their bases in
money.yaml) and is labelled indicative. Costs are in 10,000 CNY (万元) throughout; only the wording
here turns them into "5-20万元" or "CNY 50k-200k".
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from ..catalogue import namespace
from ..model import PHASE_MONTHS, PROFILE_STEP, SIZES, Answers, Content, Cost, Frozen, Gain, RoadmapItem

BUDGET_QUESTION = "compute.capex_budget"  # the 12-month compute-hardware budget
BUDGET_RANGES = {"tight": (0.0, 10.0), "moderate": (10.0, 100.0), "ample": (100.0, None)}  # 万元, its options
SPEND_QUESTION = "diagnosis.digital_budget"  # digital spending, % of revenue
REVENUE_QUESTION = f"{PROFILE_STEP}.annual_revenue"
REVENUE_RANGES = {  # 万元, the options of the revenue question
    "under_20m": (0.0, 2_000.0),
    "between_20m_400m": (2_000.0, 40_000.0),
    "between_400m_2b": (40_000.0, 200_000.0),
    "over_2b": (200_000.0, None),
}
HARDWARE_BASES = frozenset({"edge_compute"})  # what the compute-hardware budget question covers
QUICK_WINS = 5


class PhaseBudget(Frozen):
    number: int
    label: str
    months: tuple[int, int]
    low: float
    high: float
    text: str  # the range in words


class QuickWin(Frozen):
    number: int
    title: str
    cost: str
    impact_label: str


class BasisView(Frozen):
    text: str
    sources: list[tuple[str, str]]  # (title (year), url)


class MoneyView(Frozen):
    words: dict[str, str]  # the `money` wording of the catalogue
    size_label: str  # the size band the ranges are for
    phases: list[PhaseBudget]
    first_year: str  # phases 1-2 in words
    hardware: str  # of which compute hardware, in words ("" when none)
    budget_answer: str  # the enterprise's compute-hardware budget answer in words, or ""
    verdict: str  # how the first year's hardware compares with it
    spend: str  # annual digital spending from the share-of-revenue answer, in words, or ""
    spend_verdict: str
    caution: bool  # the plan may outrun the enterprise's money: the callout says so in colour
    quick_wins: list[QuickWin]
    bases: list[BasisView]  # the bases of every range shown


def size_of(answers: Answers) -> str:
    size = str(answers.enterprise.get("size") or "")
    return size if size in SIZES else "small"


def amount(value: float, lang: str) -> str:
    """One amount in 万元 as a reader writes it: 0.5, 12, 150 (zh) or 5k, 120k, 1.5m (en)."""
    if namespace(lang, "money")["unit_style"] == "thousands":
        yuan = value * 10_000
        return f"{yuan / 1_000_000:.3g}m" if yuan >= 1_000_000 else f"{yuan / 1_000:.3g}k"
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def range_text(low: float, high: float, lang: str) -> str:
    words = namespace(lang, "money")
    if low <= 0:
        return words["up_to"].format(high=amount(high, lang))
    return words["range"].format(low=amount(low, lang), high=amount(high, lang))


def cost_text(cost: Cost | None, size: str, lang: str) -> str:
    if cost is None:
        return ""
    return range_text(*cost.for_size(size), lang)


def gain_text(gain: Gain | None, content: Content, lang: str) -> str:
    if gain is None or content.rubric.money is None:
        return ""
    indicator = next(i for i in content.rubric.money.indicators if i.id == gain.kpi)
    words = namespace(lang, "money")
    phrasing = {"lower": words["gain_lower"], "higher": words["gain_higher"], "shorter": words["gain_shorter"]}
    return phrasing[indicator.direction].format(
        kpi=indicator.label.get(lang), low=f"{gain.low:g}", high=f"{gain.high:g}"
    )


def quick_wins(items: Sequence[tuple[int, float, int]]) -> list[int]:
    """(number, cost high end, impact) -> the numbers of the quick wins: the highest impact at no
    more than the median cost of the plan, cheapest first."""
    if not items:
        return []
    median = statistics.median(cost for _, cost, _ in items)
    best = max(impact for _, _, impact in items)
    chosen = sorted((cost, number) for number, cost, impact in items if impact == best and cost <= median)
    return [number for _, number in chosen[:QUICK_WINS]]


def money_view(
    content: Content,
    answers: Answers,
    plan: Sequence[RoadmapItem],
    numbers: dict[str, int],
    titles: dict[str, str],
    impact_labels: dict[int, str],
    lang: str,
) -> MoneyView | None:
    """The roadmap's money section, or None when the content carries no cost ranges."""
    rubric = content.rubric
    if rubric.money is None:
        return None
    words = dict(namespace(lang, "money"))
    t = namespace(lang, "report")
    size = size_of(answers)
    index = content.questionnaire.question_index()
    size_q = index.get(f"{PROFILE_STEP}.size")
    size_option = size_q.option(size) if size_q else None
    costs = {item.id: rubric.action_index[item.id].cost for item in plan}
    scheduled = [item for item in plan if item.phase <= 3]

    def total(items: Sequence[RoadmapItem], bases: frozenset[str] | None = None) -> tuple[float, float]:
        found = [c.for_size(size) for item in items if (c := costs[item.id]) and (bases is None or c.basis in bases)]
        return sum(low for low, _ in found), sum(high for _, high in found)

    phases = []
    for number, months in enumerate(PHASE_MONTHS, start=1):
        low, high = total([i for i in scheduled if i.phase == number])
        phases.append(
            PhaseBudget(
                number=number,
                label=t[f"phase_{number}"],
                months=months,
                low=low,
                high=high,
                text=range_text(low, high, lang),
            )
        )
    first_year = [i for i in scheduled if i.phase <= 2]
    year_low, year_high = total(first_year)
    hw_low, hw_high = total(first_year, HARDWARE_BASES)
    budget_raw = answers.value(BUDGET_QUESTION)
    budget = BUDGET_RANGES.get(str(budget_raw)) if budget_raw is not None else None
    budget_q = index.get(BUDGET_QUESTION)
    budget_option = budget_q.option(str(budget_raw)) if budget_q and budget_raw is not None else None
    verdict = ""
    if budget is not None:
        cap = budget[1]
        if hw_high <= 0:
            verdict = words["no_hardware"]
        elif cap is None or hw_high <= cap:
            verdict = words["within_budget"]
        elif hw_low > cap:
            verdict = words["over_budget"]
        else:
            verdict = words["may_exceed"]
    spend, spend_verdict = _spend(answers, year_low, year_high, words, lang)
    wins = quick_wins([(numbers[i.id], c.for_size(size)[1], i.impact) for i in scheduled if (c := costs[i.id])])
    impact_of = {numbers[i.id]: i.impact for i in scheduled}
    by_number = {numbers[i.id]: i for i in scheduled}
    used = {c.basis for c in costs.values() if c}  # the plan's, and those of the scenarios the report shows
    used |= {part.basis for s in rubric.scenarios for part in (s.cost, s.gain) if part}
    return MoneyView(
        words=words,
        size_label=size_option.label.get(lang) if size_option else size,
        phases=phases,
        first_year=range_text(year_low, year_high, lang),
        hardware=range_text(hw_low, hw_high, lang) if hw_high > 0 else "",
        budget_answer=budget_option.label.get(lang) if budget_option else "",
        verdict=verdict,
        spend=spend,
        spend_verdict=spend_verdict,
        caution=verdict in (words["over_budget"], words["may_exceed"]) or spend_verdict == words["spend_short"],
        quick_wins=[
            QuickWin(
                number=n,
                title=titles[by_number[n].id],
                cost=cost_text(costs[by_number[n].id], size, lang),
                impact_label=impact_labels[impact_of[n]],
            )
            for n in wins
        ],
        bases=[
            BasisView(
                text=b.text.get(lang),
                sources=[(f"{s.title.get(lang)}{words['year'].format(year=s.year)}", s.url) for s in b.sources],
            )
            for b in rubric.money.bases
            if b.id in used
        ],
    )


def _spend(answers: Answers, low: float, high: float, words: dict[str, str], lang: str) -> tuple[str, str]:
    """Annual digital spending from its share of revenue and the revenue band, against the first year."""
    share, revenue = answers.value(SPEND_QUESTION), answers.value(REVENUE_QUESTION)
    band = REVENUE_RANGES.get(str(revenue)) if revenue is not None else None
    if not isinstance(share, int | float) or isinstance(share, bool) or band is None:
        return "", ""
    spend_low = band[0] * share / 100
    if band[1] is None:
        text = words["spend_from"].format(share=f"{share:g}", low=amount(spend_low, lang))
        return text, words["spend_covers"] if spend_low >= high else ""
    spend_high = band[1] * share / 100
    text = words["spend"].format(share=f"{share:g}", range=range_text(spend_low, spend_high, lang))
    if spend_low >= high:
        return text, words["spend_covers"]
    if spend_high < low:
        return text, words["spend_short"]
    return text, words["spend_depends"]

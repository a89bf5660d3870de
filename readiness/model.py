"""The content (questionnaire, rubric), the answers and the results.

Content and answers are pydantic models, frozen and forbidding unknown keys, so a typo in YAML
fails loudly. Results are named tuples made by the engine. No I/O here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from functools import cached_property
from graphlib import TopologicalSorter
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, model_validator

from .languages import file_tag, short_code

STEP_IDS = ("diagnosis", "infrastructure", "data", "compute", "models", "security")
PROFILE_STEP = "profile"
INDUSTRY_STEP = "industry"  # industry modules: unscored questions that feed scenario fit
UNSCORED_STEPS = (PROFILE_STEP, INDUSTRY_STEP)
SLUG = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"

Slug = Annotated[str, Field(pattern=SLUG, max_length=80)]
Unit = Annotated[float, Field(ge=0, le=1)]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(Frozen):
    """A visible string in both product languages."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.en


# --- conditions: the closed rule language (evaluated in rules.py) -------------------------

Scalar = str | int | float | bool


class Leaf(Frozen):
    """One test: exactly one subject (question, points, factor, score or level), an operator and a value."""

    question: str | None = None  # the raw answer: option id, number, list of ids, bool
    points: str | None = None  # the answer's value in [0, 1]
    factor: str | None = None
    score: str | None = None  # a step id or "overall"
    level: str | None = None  # a step id or "overall"
    decision: str | None = None  # a decision id: its choice (roadmap triggers only)
    op: str
    value: Scalar | list[Scalar] | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> Leaf:
        subjects = [s for s in (self.question, self.points, self.factor, self.score, self.level, self.decision) if s]
        if len(subjects) != 1:
            raise ValueError("a condition names exactly one of question, points, factor, score, level, decision")
        return self

    @cached_property
    def kind(self) -> str:
        for kind in ("question", "points", "factor", "score", "level", "decision"):
            if getattr(self, kind):
                return kind
        raise AssertionError("validated above")

    @cached_property
    def subject(self) -> str:
        return str(getattr(self, self.kind))


class All(Frozen):
    all: list[Condition] = Field(min_length=1)


class Any_(Frozen):
    any: list[Condition] = Field(min_length=1)


class Not(Frozen):
    not_: Condition = Field(alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _condition_kind(data: Any) -> str:
    if isinstance(data, dict):
        for key in ("all", "any", "not"):
            if key in data:
                return key
        return "leaf"
    kinds: dict[type, str] = {All: "all", Any_: "any", Not: "not"}
    return kinds.get(type(data), "leaf")


# Tagged by shape so a mistake reports against the one form it resembles, not all four.
Condition = Annotated[
    Annotated[All, Tag("all")]
    | Annotated[Any_, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[Leaf, Tag("leaf")],
    Discriminator(_condition_kind),
]
All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()


def leaves(condition: Condition) -> Iterator[Leaf]:
    """Every leaf of a condition tree, in order."""
    if isinstance(condition, All):
        for c in condition.all:
            yield from leaves(c)
    elif isinstance(condition, Any_):
        for c in condition.any:
            yield from leaves(c)
    elif isinstance(condition, Not):
        yield from leaves(condition.not_)
    else:
        yield condition


# --- questionnaire ------------------------------------------------------------------------

QuestionType = Literal["single", "multi", "number", "percent", "yes_no", "text"]


class Option(Frozen):
    id: Slug
    label: Text
    points: Unit = 0.0
    exclusive: bool = False  # "none of these": cannot be combined with other options


class Band(Frozen):
    """Numeric answers at or above `min` (and below the next band) earn `points`."""

    min: float
    points: Unit
    label: Text | None = None


class Question(Frozen):
    id: Slug
    type: QuestionType
    text: Text
    short: Text | None = None  # a noun phrase naming what is asked ("networked key equipment"), for findings
    help: Text  # why this matters
    more_help: Text | None = None  # shown on request in the interview
    weight: float = Field(default=1.0, ge=0, le=10)
    options: list[Option] = []
    cap: Unit = 1.0  # multi: the sum of chosen options' points is capped here
    bands: list[Band] = []
    unit: Text | None = None
    min: float | None = None
    max: float | None = None
    yes_points: Unit = 1.0
    no_points: Unit = 0.0
    allow_not_applicable: bool = False
    allow_unknown: bool = True
    show_if: Condition | None = None
    # The options are the rubric's scenario catalogue, filled in by the loader; the interview offers
    # those of the enterprise's industries and value-chain stages.
    options_from: Literal["scenarios"] | None = None

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.options_from and (self.type != "single" or self.weight):
            raise ValueError("options_from needs an unscored single-choice question")
        if self.type in ("single", "multi"):
            if len(self.options) < 2 and not self.options_from:
                raise ValueError(f"a {self.type} question needs at least two options")
            ids = [o.id for o in self.options]
            if len(set(ids)) != len(ids):
                raise ValueError("option ids must be unique within a question")
        elif self.options:
            raise ValueError(f"a {self.type} question has no options")
        if self.type in ("number", "percent"):
            if not self.bands and self.weight:
                raise ValueError(f"a scored {self.type} question needs bands")
            mins = [b.min for b in self.bands]
            if mins != sorted(mins) or len(set(mins)) != len(mins):
                raise ValueError("band minimums must be strictly increasing")
        elif self.bands:
            raise ValueError(f"a {self.type} question has no bands")
        if self.type == "text" and self.weight:
            raise ValueError("a text question is not scored: set weight: 0")
        return self

    def option(self, option_id: str) -> Option | None:
        return self._options.get(option_id)

    @cached_property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    @cached_property
    def _options(self) -> dict[str, Option]:
        return {o.id: o for o in self.options}

    @property
    def lower_bound(self) -> float | None:
        if self.min is not None:
            return self.min
        return 0.0 if self.type in ("number", "percent") else None

    @property
    def upper_bound(self) -> float | None:
        if self.max is not None:
            return self.max
        return 100.0 if self.type == "percent" else None


class Section(Frozen):
    id: Slug
    title: Text
    questions: list[Question] = Field(min_length=1)


class Step(Frozen):
    id: Slug
    title: Text
    intro: Text  # what the step is about and why, shown before its first question
    sections: list[Section] = Field(min_length=1)

    @cached_property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]


class Questionnaire(Frozen):
    id: Slug
    version: int = Field(ge=1)
    title: Text
    description: Text
    minutes: int = Field(ge=1)  # typical time to finish, shown in the welcome
    steps: list[Step]  # the profile, the industry modules, then the six steps in playbook order

    @cached_property
    def playbook_steps(self) -> list[Step]:
        """The six scored steps."""
        return [s for s in self.steps if s.id in STEP_IDS]

    def question_index(self) -> dict[str, Question]:
        return self._index

    @cached_property
    def _index(self) -> dict[str, Question]:
        return {q.id: q for step in self.steps for q in step.questions}

    @cached_property
    def step_index(self) -> dict[str, Step]:
        return {s.id: s for s in self.steps}

    @cached_property
    def scenario_question(self) -> str | None:
        """The question that picks the priority scenario from the catalogue, if there is one."""
        return next((q.id for q in self._index.values() if q.options_from == "scenarios"), None)

    @cached_property
    def contextual(self) -> frozenset[str]:
        """Questions shown only in some contexts (an industry, a size, a use case).

        Their condition looks only at unscored answers (the profile, decision inputs), so hidden
        means "does not apply". A follow-up revealed by a scored answer is different: hidden, it
        means the capability it asks about is absent.
        """
        index = self._index
        return frozenset(
            q.id
            for q in index.values()
            if q.show_if is not None
            and all(
                leaf.kind in ("question", "points") and leaf.subject in index and not index[leaf.subject].weight
                for leaf in leaves(q.show_if)
            )
        )


# --- rubric -------------------------------------------------------------------------------


class Level(Frozen):
    level: int = Field(ge=1, le=5)
    name: Text
    min_score: float = Field(ge=0, le=100)
    description: Text


class Gate(Frozen):
    """`level` cannot be reached on `step` while `requires` does not hold."""

    step: str
    level: int = Field(ge=2, le=5)
    requires: Condition
    text: Text


class FactorValue(Frozen):
    id: str | int
    label: Text


class FactorCase(Frozen):
    when: Condition
    value: str | int
    text: Text | None = None  # the reason in plain words, shown when this case decides a choice


class Factor(Frozen):
    """A named, ordered property of the enterprise derived from answers, scores or other factors."""

    id: Slug
    label: Text
    values: list[FactorValue] = []  # ordered from least to most
    cases: list[FactorCase] = []  # the first case that holds gives the value
    default: str | int | None = None
    default_text: Text | None = None  # the reason in plain words when no case holds
    # Shortcuts: the value is this step's level before gates (1-5), or the typical approach of the
    # scenario chosen in this question (the default when none is chosen).
    level_of: str | None = None
    approach_of: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Factor:
        if self.level_of:
            if self.values or self.cases or self.default is not None:
                raise ValueError("a level_of factor takes its values from the rubric's levels")
        elif self.approach_of and self.cases:
            raise ValueError("an approach_of factor takes its value from the chosen scenario")
        else:
            if len(self.values) < 2 or self.default is None:
                raise ValueError("a factor needs at least two values and a default")
            ids = [v.id for v in self.values]
            if len(set(ids)) != len(ids):
                raise ValueError("factor value ids must be unique")
            for value in [self.default, *(c.value for c in self.cases)]:
                if value not in ids:
                    raise ValueError(f"value {value!r} is not one of {ids}")
        return self

    @cached_property
    def order(self) -> list[str | int]:
        """The values from least to most."""
        return [1, 2, 3, 4, 5] if self.level_of else [v.id for v in self.values]

    @cached_property
    def position(self) -> dict[str | int, int]:
        """Each value's place in `order`."""
        return {value: i for i, value in enumerate(self.order)}

    @cached_property
    def depends_on(self) -> frozenset[str]:
        """The other factors this one is derived from."""
        return frozenset(leaf.subject for c in self.cases for leaf in leaves(c.when) if leaf.kind == "factor")


class Requirement(Frozen):
    """One condition a choice needs, stated as a single factor test so it explains itself."""

    factor: str
    op: Literal["eq", "ne", "in", "not_in", "gte", "gt", "lte", "lt"]
    value: str | int | list[str | int]
    text: Text


class Choice(Frozen):
    id: Slug
    label: Text
    summary: Text  # one sentence: what this choice means for the enterprise
    requires: list[Requirement] = []
    supports: list[Requirement] = []  # reasons shown when they hold; not required
    next_step: Text | None = None  # model path: what to do once this stage works


class Decision(Frozen):
    """Choices in priority order: the first whose requirements all hold wins; the last is the fallback."""

    id: Slug
    title: Text
    choices: list[Choice] = Field(min_length=2)
    stages: list[str] = []  # for a staged path (model strategy): choice ids from first to last

    @model_validator(mode="after")
    def _fallback(self) -> Decision:
        if self.choices[-1].requires:
            raise ValueError("the last choice is the fallback and cannot have requirements")
        ids = [c.id for c in self.choices]
        if self.stages and sorted(self.stages) != sorted(ids):
            raise ValueError("stages must list every choice once")
        return self


# --- money and benchmarks (content: indicative figures, each with its basis or source) ------------

SIZES = ("micro", "small", "medium", "large")  # the options of profile.size, smallest first
PHASE_MONTHS = ((0, 3), (3, 12), (12, 24))  # phases 1-3 of the roadmap, months from the start


def _ordered_range(value: tuple[float, float]) -> tuple[float, float]:
    if value[0] > value[1]:
        raise ValueError(f"the low end {value[0]:g} is above the high end {value[1]:g}")
    return value


Range = Annotated[tuple[Annotated[float, Field(ge=0)], Annotated[float, Field(ge=0)]], AfterValidator(_ordered_range)]


class Cost(Frozen):
    """Indicative cost in 10,000 CNY (万元) per enterprise size, [low, high]; `basis` names the price
    basis in money.yaml. Micro firms do not spend what large firms do, so every size has its range."""

    basis: Slug
    micro: Range
    small: Range
    medium: Range
    large: Range

    def for_size(self, size: str) -> tuple[float, float]:
        found: tuple[float, float] = getattr(self, size if size in SIZES else "small")
        return found


class Gain(Frozen):
    """Indicative improvement of one indicator, in percent [low, high]; `basis` as for Cost."""

    kpi: Slug  # an indicator of money.yaml
    low: float = Field(ge=0, le=100)
    high: float = Field(ge=0, le=100)
    basis: Slug

    @model_validator(mode="after")
    def _ordered(self) -> Gain:
        _ordered_range((self.low, self.high))
        return self


class Source(Frozen):
    title: Text  # publisher and publication, as a reader would cite it
    url: str = Field(pattern=r"^https?://\S+$")
    year: int = Field(ge=2000, le=2100)  # the year the figures describe


class Basis(Frozen):
    """What a cost or value range rests on: public price levels or published results."""

    id: Slug
    text: Text
    sources: list[Source] = []


class Indicator(Frozen):
    id: Slug
    label: Text  # e.g. "defect rate", worded for "lower by"/"higher by"
    direction: Literal["lower", "higher", "shorter"]


class Money(Frozen):
    bases: list[Basis] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)


class LevelShares(Frozen):
    """A published distribution of GB/T 39116 levels among firms that assessed themselves: the share
    (percent) of firms at or above each level. "At or below level 1" includes firms below level 1."""

    id: Slug
    source: Source
    sample: Text  # who answered, how many
    at_least: dict[int, float]  # level (2-5) -> percent of firms at that level or above

    @model_validator(mode="after")
    def _falling(self) -> LevelShares:
        levels = sorted(self.at_least)
        if not levels or levels[0] < 2 or levels[-1] > 5:
            raise ValueError("give shares for levels 2 to 5 (level 1 and above is everyone)")
        shares = [self.at_least[level] for level in levels]
        if any(not 0 <= v <= 100 for v in shares) or shares != sorted(shares, reverse=True):
            raise ValueError("shares are percentages that fall as the level rises")
        return self


class NationalFigure(Frozen):
    """A published national indicator, shown for context beside the firm's own answer."""

    id: Slug
    label: Text
    value: float
    unit: Literal["percent"]
    population: Text  # which firms the figure describes
    source: Source
    question: str | None = None  # the question whose answer it can be read against, if any


class Benchmarks(Frozen):
    caveat: Text  # the self-selection note printed under every figure
    level_shares: list[LevelShares] = Field(min_length=1)
    national: list[NationalFigure] = []


Effort = Literal["S", "M", "L"]
LATER = 4  # the roadmap's "later" list: triggered, but beyond what the enterprise can carry in 24 months


class Action(Frozen):
    id: Slug
    step: str
    title: Text
    description: Text
    trigger: Condition
    effort: Effort
    impact: int = Field(ge=1, le=3)
    phase: int = Field(default=1, ge=1, le=3)  # the earliest phase it makes sense in
    depends_on: list[str] = []
    support: Text | None = None  # public support: compute vouchers, model vouchers ...
    owner: Text | None = None  # who should own it, where not the step's usual owner (Rubric.owners)
    security_control: bool = False  # must be in place before any model goes live
    goes_live: bool = False  # puts a model into production use
    pilot: bool = False  # the recommended strategy's own work: scheduled first, never left for later
    cost: Cost | None = None  # indicative, per enterprise size (money.yaml names the basis)


class CapacityChange(Frozen):
    when: Condition
    change: int = Field(ge=-5, le=5)


class SmeLevelEstimate(Frozen):
    """An indicative estimate of the official SME digital level (一至四级) from step scores."""

    steps: list[str] = Field(min_length=1)  # the steps the official indicators cover
    bands: list[float] = Field(min_length=4, max_length=4)  # lowest mean score of levels 1-4


class PortfolioSegments(Frozen):
    """The levels that sort a portfolio's enterprises by what they need next (readiness/portfolio.py)."""

    lighthouse_overall: int = Field(default=4, ge=1, le=5)  # this overall level or above: a lighthouse candidate
    lighthouse_every_step: int = Field(default=3, ge=1, le=5)  # or this level overall and on every step
    foundations: int = Field(default=3, ge=1, le=5)  # infrastructure or data below it: foundations first


class RoadmapRules(Frozen):
    """How many actions an enterprise can carry per phase, by size band, adjusted by capacity."""

    capacity: dict[str, list[int]]  # size option id -> most actions in phases 1, 2, 3
    default_size: str  # used when the size is not known
    adjust: list[CapacityChange] = []  # added to every phase's cap when the condition holds
    minimum: int = Field(default=3, ge=1)  # no phase is capped below this


STAGES = ("rnd_design", "pilot_testing", "production", "marketing_service", "management")
INDUSTRIES = (
    "steel",
    "petrochemical",
    "new_materials",
    "machine_tools",
    "automotive",
    "aerospace",
    "textile",
    "pharmaceuticals",
    "bio_manufacturing",
    "traditional_crafts",
    "electronics",
    "software",
    "general_machinery",
    "other",
)
# mechanism_data: physics or process models combined with models trained on data (机理与数据融合);
# hybrid: large general models and small task models working together (大小模型协同).
Approach = Literal["prompt_retrieval", "classical_ml", "fine_tuned_small", "mechanism_data", "hybrid", "agent"]


class Prerequisite(Frozen):
    """What a scenario needs; when `when` does not hold, the scenario is blocked by it."""

    when: Condition
    text: Text  # the need, stated positively ("Defect images labelled by inspectors")
    unblocked_by: list[str] = []  # roadmap actions that meet it
    # A need for labelled examples: no blocker where the enterprise starts a vision or process-data
    # scenario with a vendor model and a person reviewing every result, since the reviews are the labels.
    labels: bool = False

    @cached_property
    def questions(self) -> list[str]:
        """The answers that show the gap when it is not met."""
        return sorted({leaf.subject for leaf in leaves(self.when) if leaf.kind in ("question", "points")})


class Scenario(Frozen):
    id: Slug
    title: Text
    description: Text
    stage: Literal["rnd_design", "pilot_testing", "production", "marketing_service", "management"]
    industries: list[str] = Field(min_length=1)  # industry ids, or ["all"] for cross-industry
    value: Text  # what typically improves
    data_needs: Text  # which data and how much
    infrastructure_needs: Text
    latency: Literal["real_time", "near_real_time", "offline"]
    approach: Approach
    deployment: Literal["cloud", "edge", "cloud_edge"]
    agent: bool = False  # plans and acts on its own: stricter prerequisites
    requires: list[Prerequisite] = Field(min_length=1)
    cost: Cost | None = None  # indicative cost of a first deployment, per enterprise size
    gain: Gain | None = None  # indicative improvement of its main indicator

    @cached_property
    def asked(self) -> frozenset[str]:
        """The questions its prerequisites look at."""
        return frozenset(question for need in self.requires for question in need.questions)


class Rubric(Frozen):
    id: Slug
    questionnaire: str
    levels: list[Level] = Field(min_length=5, max_length=5)
    step_weights: dict[str, float]
    step_levels: dict[str, dict[int, Text]]  # per step, what each level looks like
    owners: dict[str, Text] = {}  # per step, the role that usually owns its actions
    gates: list[Gate] = []
    factors: list[Factor] = []
    decisions: list[Decision] = []
    actions: list[Action] = []
    scenarios: list[Scenario] = []
    roadmap: RoadmapRules | None = None
    sme_level_estimate: SmeLevelEstimate | None = None
    money: Money | None = None  # money.yaml: the bases of the cost and value ranges
    benchmarks: Benchmarks | None = None  # benchmarks.yaml: published peer figures
    portfolio_segments: PortfolioSegments = PortfolioSegments()

    @cached_property
    def scenario_index(self) -> dict[str, Scenario]:
        return {s.id: s for s in self.scenarios}

    @cached_property
    def action_index(self) -> dict[str, Action]:
        return {a.id: a for a in self.actions}

    @cached_property
    def gates_by_step(self) -> dict[str, list[tuple[int, Gate]]]:
        """Per step (or "overall"), its gates with their positions in `gates`, lowest level first."""
        found: dict[str, list[tuple[int, Gate]]] = {}
        for index, gate in sorted(enumerate(self.gates), key=lambda pair: pair[1].level):
            found.setdefault(gate.step, []).append((index, gate))
        return found

    @cached_property
    def prerequisites(self) -> dict[str, list[str]]:
        """Per action, the actions it depends on: sorted, each once (the roadmap keeps those triggered)."""
        return {a.id: sorted(set(a.depends_on)) for a in self.actions}

    @cached_property
    def factor_index(self) -> dict[str, Factor]:
        return {f.id: f for f in self.factors}

    @cached_property
    def decision_index(self) -> dict[str, Decision]:
        return {d.id: d for d in self.decisions}

    @cached_property
    def choice_index(self) -> dict[tuple[str, str], Choice]:
        """Every choice by (decision id, choice id)."""
        return {(d.id, c.id): c for d in self.decisions for c in d.choices}

    @cached_property
    def factors_in_order(self) -> list[Factor]:
        """Factors with the ones they depend on first (the loader has refused cycles)."""
        by_id = {f.id: f for f in self.factors}
        graph = {f.id: set(f.depends_on) & set(by_id) for f in self.factors}
        return [by_id[i] for i in TopologicalSorter(graph).static_order()]

    @cached_property
    def decision_factors(self) -> dict[str, frozenset[str]]:
        """Per decision, the factors its choices test and every factor those are derived from."""
        by_id = {f.id: f for f in self.factors}
        found: dict[str, frozenset[str]] = {}
        for decision in self.decisions:
            involved = {r.factor for c in decision.choices for r in (*c.requires, *c.supports)}
            pending = list(involved)
            while pending:
                for dep in by_id[pending.pop()].depends_on - involved:
                    involved.add(dep)
                    pending.append(dep)
            found[decision.id] = frozenset(involved)
        return found

    @cached_property
    def factor_positions(self) -> dict[str, dict[str | int, int]]:
        return {f.id: f.position for f in self.factors}

    @cached_property
    def derived_from(self) -> dict[str, list[Factor]]:
        """Per factor, the composites built on it, directly or not, in the order to derive them."""
        found: dict[str, list[Factor]] = {}
        for factor in self.factors:
            touched = {factor.id}
            found[factor.id] = []
            for composite in self.factors_in_order:
                if composite.depends_on & touched:
                    found[factor.id].append(composite)
                    touched.add(composite.id)
        return found

    def scenarios_for(self, industries: frozenset[str], stages: frozenset[str]) -> list[tuple[int, Scenario]]:
        """The catalogue's scenarios, with their positions, for these industries ("all" included) and stages.

        Worked out once per combination: a park has many enterprises but few combinations.
        """
        key = (industries, stages)
        found = self._scenarios_for.get(key)
        if found is None:
            found = self._scenarios_for[key] = [
                (i, s)
                for i, s in enumerate(self.scenarios)
                if s.stage in stages and not industries.isdisjoint(s.industries)
            ]
        return found

    @cached_property
    def _scenarios_for(self) -> dict[tuple[frozenset[str], frozenset[str]], list[tuple[int, Scenario]]]:
        return {}

    def level_for(self, score: float) -> Level:
        return [lvl for lvl in self.levels if score >= lvl.min_score][-1]


class Content(Frozen):
    questionnaire: Questionnaire
    rubric: Rubric
    source: str  # the folder it was loaded from, for messages

    @cached_property
    def factor_questions(self) -> dict[str, list[str]]:
        """The questions behind each factor, followed through the factors it is derived from.

        A factor that is a step's level points to that step's key questions (weight 2 or more).
        """
        key_questions = {
            step.id: sorted(q.id for q in step.questions if q.weight >= 2) for step in self.questionnaire.steps
        }
        by_id = {f.id: f for f in self.rubric.factors}
        found: dict[str, list[str]] = {}
        for factor in self.rubric.factors_in_order:  # dependencies first, so they are known
            if factor.level_of:
                found[factor.id] = key_questions[factor.level_of]
                continue
            if factor.approach_of:
                found[factor.id] = [factor.approach_of]
                continue
            asked: set[str] = set()
            for case in factor.cases:
                for leaf in leaves(case.when):
                    if leaf.kind == "factor" and leaf.subject in by_id:
                        asked.update(found[leaf.subject])
                    elif leaf.kind in ("question", "points"):
                        asked.add(leaf.subject)
            found[factor.id] = sorted(asked)
        return found


# --- answers ------------------------------------------------------------------------------

NOT_APPLICABLE = "not_applicable"
UNKNOWN = "unknown"
AnswerValue = bool | int | float | str | list[str]


class Respondent(Frozen):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(default="", max_length=200)


# Why a disagreement is left for the facilitator to settle with the enterprise, not by a rule:
# two figures in one band (the points cannot choose), a figure against "don't know" or "does not
# apply", the priority use case, or a fact of the profile (size, revenue, industry...).
FlagReason = Literal["same_band", "unknown", "not_applicable", "priority", "profile"]


class Disagreement(Frozen):
    """Respondents of one enterprise answered a question differently (written by `readiness merge`)."""

    question: str  # a question id; profile fields as profile.<field>
    kept: AnswerValue
    answers: dict[str, AnswerValue]  # respondent -> their answer
    flagged: bool = False  # to be confirmed with the enterprise: the kept answer is provisional
    reason: FlagReason | None = None  # why it is flagged


class AssessmentRecord(Frozen):
    """When, by whom and for which engagement the answers were given; every field optional."""

    date: datetime.date | None = None  # the day the answers were given, not the day a report is rendered
    assessor: str = Field(default="", max_length=200)  # the consultant or service-team member
    engagement: str = Field(default="", max_length=200)  # the engagement or programme, e.g. a park diagnosis
    # One enterprise's respondents share this (e.g. the unified social credit code); else name + industry.
    enterprise_id: str = Field(default="", max_length=100)
    park: str = Field(default="", max_length=200)  # industrial park or district
    contact: str = Field(default="", max_length=200)  # the enterprise's contact person


class Answers(Frozen):
    questionnaire: str
    questionnaire_version: int
    # Any accepted code (zh, zh_CN, ZH-cn, ...) is read as the tag the tool writes (en, zh-CN).
    language: Annotated[
        Literal["en", "zh-CN"], BeforeValidator(lambda code: file_tag(code) if isinstance(code, str) else code)
    ] = "en"
    assessment: AssessmentRecord = AssessmentRecord()
    enterprise: dict[str, AnswerValue]
    respondents: list[Respondent] = []
    answers: dict[str, AnswerValue] = {}
    notes: dict[str, Annotated[str, Field(max_length=4000)]] = {}
    disagreements: list[Disagreement] = []

    @property
    def lang(self) -> str:
        return short_code(self.language)

    def value(self, question_id: str) -> AnswerValue | None:
        """The answer to any question, profile questions included (kept under `enterprise`)."""
        return self._by_question.get(question_id)

    @property
    def lookup(self) -> Callable[[str], AnswerValue | None]:
        """`value` itself, without a call of its own: the engine asks for answers hundreds of times."""
        return self._by_question.get

    @cached_property
    def not_applicable(self) -> frozenset[str]:
        """The questions answered "does not apply here"."""
        return frozenset(k for k, v in self._by_question.items() if v == NOT_APPLICABLE)

    @cached_property
    def _by_question(self) -> dict[str, AnswerValue]:
        return {**{f"{PROFILE_STEP}.{k}": v for k, v in self.enterprise.items()}, **self.answers}


# --- results ------------------------------------------------------------------------------
# Named tuples: immutable, and the fastest to build. The engine makes a few hundred per assessment
# and batch scoring makes them by the hundred thousand; values it computed need no validation.
# Results hold ids, values and references into the content, never words: the report layer words
# them, in any language, from the content (readiness/report/wording.py).


QuestionStatus = Literal["answered", "unknown", "not_applicable", "unanswered", "not_reached", "hidden"]
StageStatus = Literal["done", "current", "next", "later"]
Fit = Literal["ready_now", "after_phase_1", "after_phase_2", "not_yet"]
RequirementKind = Literal["requires", "supports"]
WarningKind = Literal["no_name", "unanswered", "ignored", "low_confidence"]
DEFAULT_CASE = -1  # Reason.case: the factor's default held (its default_text words the reason)


class QuestionResult(NamedTuple):
    """How one question counted."""

    id: str
    value: float | None  # None when not applicable or hidden by context
    weight: float
    status: QuestionStatus


class StepResult(NamedTuple):
    id: str
    score: float
    level: int
    confidence: float
    answered: int
    total: int
    capped_by: list[int]  # the gates that held the level down, as positions in Rubric.gates
    questions: list[QuestionResult]


class RequirementRef(NamedTuple):
    """One requirement of a choice: Rubric.choice_index[(decision, choice)].<kind>[position]."""

    decision: str
    choice: str
    kind: RequirementKind
    position: int


class Reason(NamedTuple):
    factor: str
    value: str | int
    requirement: RequirementRef  # the requirement it explains
    # What words it: a case of the factor (its position in Factor.cases), the factor's default
    # (DEFAULT_CASE), or None for the requirement's own text.
    case: int | None
    questions: list[str]
    met: bool = True


class Flip(NamedTuple):
    factor: str
    from_value: str | int
    to_value: str | int
    choice: str


class PathStage(NamedTuple):
    choice: str
    status: StageStatus
    when: list[RequirementRef]  # the requirements still open before this stage


class DecisionResult(NamedTuple):
    choice: str
    runner_up: str
    reasons: list[Reason]
    would_change_if: list[Flip]
    path: list[PathStage]  # empty for a decision without stages
    # When no single change flips it: the fewest factor changes that give another choice (all
    # toward that one choice); empty when a single change suffices or none is found.
    nearest_change: tuple[Flip, ...] = ()


class RoadmapItem(NamedTuple):
    id: str  # the action (Rubric.action_index)
    step: str
    phase: int  # 1-3; LATER when it did not fit the enterprise's capacity in the 24 months
    effort: Effort
    impact: int
    depends_on: list[str]


class Blocker(NamedTuple):
    scenario: str
    position: int  # the unmet prerequisite's place in Scenario.requires (0 for the first)
    questions: list[str]  # the answers that show the gap
    actions: list[str]  # roadmap actions that close it (only those on this roadmap)

    @property
    def id(self) -> str:
        """ "<scenario id>#<prerequisite number>", the same in every language."""
        return f"{self.scenario}#{self.position + 1}"


class ScenarioFit(NamedTuple):
    id: str  # the scenario (Rubric.scenario_index)
    stage: str
    industry_specific: bool
    fit: Fit
    blocked_by: list[Blocker]
    latency: str
    approach: str  # the scenario's typical approach
    approach_now: str  # how this enterprise should start it: a strategy stage, or vendor_review
    deployment: str  # where this enterprise should run it
    agent: bool


class AnswerWarning(NamedTuple):
    """Something to check in the answers."""

    kind: WarningKind
    step: str | None  # None for the enterprise as a whole
    questions: list[str]  # the questions concerned (unanswered, or answered but not applying)


class Assessment(NamedTuple):
    enterprise: dict[str, Any]
    questionnaire_id: str
    questionnaire_version: int
    language: str  # the answers' language: what the report layer words in unless told otherwise
    overall: StepResult
    steps: list[StepResult]
    factors: dict[str, str | int]
    decisions: dict[str, DecisionResult]
    roadmap: list[RoadmapItem]  # phases 1-3
    later: list[RoadmapItem]  # triggered, but beyond what the enterprise can carry in 24 months
    priority_scenario: str | None  # the catalogue scenario chosen as the priority use case
    nearest_scenarios: list[str]  # when none was chosen: the entries closest to the respondent's words
    sme_level_estimate: int | None  # indicative official SME digital level, 0 (below level 1) to 4
    scenarios: list[ScenarioFit]
    warnings: list[AnswerWarning]

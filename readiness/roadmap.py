"""Triggered actions -> a phased roadmap sized to the enterprise, in dependency order (pure).

Phases: 1 = 0-3 months, 2 = 3-12 months, 3 = 12-24 months. Each phase holds at most as many
actions as the enterprise can carry (the rubric's capacity by size, adjusted by IT staff and
budget); what does not fit is listed as "later", never dropped silently.

Within a phase, the recommended strategy's own work (pilot actions and everything they need)
comes first, then what the priority scenario still needs; the rest is ranked by value and ease.
An action starts no earlier than its catalogue phase, and after its prerequisites: in the
same phase behind a quick (S) prerequisite, one phase later behind a longer one. Security
controls go live with the model: every control is placed no later than the go-live that needs it,
in the same phase at the latest.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import NamedTuple

from . import rules
from .model import LATER, Action, RoadmapItem, RoadmapRules, Rubric

PHASES = (1, 2, 3)
EFFORT_COST = {"S": 0, "M": 1, "L": 2}
UNCAPPED = RoadmapRules(capacity={"any": [999, 999, 999]}, default_size="any")


class Roadmap(NamedTuple):
    scheduled: list[RoadmapItem]  # phases 1-3, in order
    later: list[RoadmapItem]  # triggered, but beyond the enterprise's capacity within 24 months


def triggered_actions(rubric: Rubric, facts: rules.Facts) -> list[Action]:
    return [a for a in rubric.actions if rules.evaluate(a.trigger, facts)]


def phase_caps(rules_: RoadmapRules, facts: rules.Facts) -> list[int]:
    """The most actions the enterprise can carry in each phase."""
    size = facts.raw("profile.size")
    caps = rules_.capacity.get(str(size)) or rules_.capacity[rules_.default_size]
    change = sum(c.change for c in rules_.adjust if rules.evaluate(c.when, facts))
    return [max(rules_.minimum, cap + change) for cap in caps]


def build_roadmap(rubric: Rubric, facts: rules.Facts, priority_needs: frozenset[str] = frozenset()) -> Roadmap:
    """`priority_needs`: actions that meet a prerequisite of the priority scenario."""
    plan = _Plan(triggered_actions(rubric, facts), priority_needs, rubric.prerequisites)
    for phase, cap in zip(PHASES, phase_caps(rubric.roadmap or UNCAPPED, facts), strict=True):
        plan.fill(phase, cap)

    def item(action_id: str, phase: int) -> RoadmapItem:
        action = plan.by_id[action_id]
        return RoadmapItem(
            id=action.id,
            step=action.step,
            phase=phase,
            effort=action.effort,
            impact=action.impact,
            depends_on=plan.deps[action.id],
        )

    later = sorted((a for a in plan.order if a not in plan.placed), key=plan.key)
    return Roadmap(
        scheduled=[item(a, phase) for a, phase in plan.placed.items()],  # in the order placed
        later=[item(a, LATER) for a in later],
    )


class _Plan:
    """The triggered actions, their dependencies and rank, and the phase each has been placed in."""

    def __init__(
        self, actions: list[Action], priority_needs: frozenset[str], prerequisites_of: dict[str, list[str]]
    ) -> None:
        """`prerequisites_of`: every action's prerequisites in the catalogue, sorted (Rubric.prerequisites)."""
        self.by_id = {a.id: a for a in actions}
        controls = {a.id for a in actions if a.security_control}
        self.stated = {a.id: [d for d in prerequisites_of[a.id] if d in self.by_id] for a in actions}
        # What follows a quick (S) prerequisite may share its phase; a longer one, the phase after.
        self.lag = {a.id: 0 if a.effort == "S" else 1 for a in actions}
        # A go-live waits for every security control; a control may share the go-live's phase.
        all_controls = sorted(controls)
        self.guarded = {a.id: all_controls if a.goes_live else [] for a in actions}
        self.deps = {
            a: sorted({*self.stated[a], *guarded}) if guarded else self.stated[a] for a, guarded in self.guarded.items()
        }
        self.order = _topological(actions, self.deps)
        self.rank = {action_id: i for i, action_id in enumerate(self.order)}
        self.anchors = self._with_prerequisites(a.id for a in actions if a.pilot)  # the strategy's own work
        self.boosted = self._with_prerequisites(a for a in priority_needs if a in self.by_id)
        # A control that only a go-live needs waits for that go-live, so it is not put in quarter
        # one for a model that goes live a year later.
        self.go_lives = [a.id for a in actions if a.goes_live]
        early = {d for a in self.anchors if not self.by_id[a].goes_live for d in self.stated[a]}
        self.waits_for_go_live = {c for c in controls & self.anchors if c not in early}
        # Placing an action can make ready only what depends on it, and the controls that wait for
        # a go-live once the go-live's own prerequisites are placed.
        self.dependents: dict[str, set[str]] = {a: set() for a in self.by_id}
        for action_id, prerequisites in self.deps.items():
            for dep in prerequisites:
                self.dependents[dep].add(action_id)
        for go_live in self.go_lives:
            for dep in self.stated[go_live]:
                self.dependents[dep] |= self.waits_for_go_live
        self.placed: dict[str, int] = {}
        # An action's rank never changes once the plan is made: worked out once, not per comparison.
        self.keys = {action_id: self._key(action_id) for action_id in self.order}

    def _with_prerequisites(self, start: Iterable[str]) -> set[str]:
        found: set[str] = set()
        pending = list(start)
        while pending:
            action_id = pending.pop()
            if action_id not in found:
                found.add(action_id)
                pending.extend(self.deps[action_id])
        return found

    def key(self, action_id: str) -> tuple[bool, bool, int, int]:
        """Strategy work first, then what the priority scenario needs, then value and ease."""
        return self.keys[action_id]

    def _key(self, action_id: str) -> tuple[bool, bool, int, int]:
        action = self.by_id[action_id]
        value = 2 * action.impact - EFFORT_COST[action.effort]
        return (action_id not in self.anchors, action_id not in self.boosted, -value, self.rank[action_id])

    def _stated_ready(self, action_id: str, phase: int) -> bool:
        if self.by_id[action_id].phase > phase:
            return False
        for dep in self.stated[action_id]:
            placed_in = self.placed.get(dep)
            if placed_in is None or placed_in + self.lag[dep] > phase:
                return False
        return True

    def _ready(self, action_id: str, phase: int) -> bool:
        if action_id in self.placed or not self._stated_ready(action_id, phase):
            return False
        if action_id in self.waits_for_go_live:
            return any(g not in self.placed and self._stated_ready(g, phase) for g in self.go_lives)
        return all(dep in self.placed and self.placed[dep] <= phase for dep in self.guarded[action_id])

    def fill(self, phase: int, cap: int) -> None:
        """Place the best ready actions in this phase, up to its cap."""
        count = 0
        # The ready actions, best first (keys are unique: the rank settles every tie).
        queue = [(self.keys[a], a) for a in self.order if self._ready(a, phase)]
        heapq.heapify(queue)
        queued = {a for _, a in queue}
        while queue:
            _, best = heapq.heappop(queue)
            # Anchors are placed even beyond the cap: the strategy's work is never left for later.
            if count >= cap and best not in self.anchors:
                continue  # the phase is full: this one waits for a later phase
            self.placed[best] = phase
            count += 1
            for action_id in self.dependents[best]:
                if action_id not in queued and self._ready(action_id, phase):
                    queued.add(action_id)
                    heapq.heappush(queue, (self.keys[action_id], action_id))


def _topological(actions: list[Action], deps: dict[str, list[str]]) -> list[str]:
    """Kahn's algorithm; among ready actions, the earliest phase, then highest impact, then catalogue order."""
    position = {a.id: i for i, a in enumerate(actions)}
    by_id = {a.id: a for a in actions}
    waiting = {a: len(d) for a, d in deps.items()}
    dependents: dict[str, list[str]] = {a: [] for a in deps}
    for action_id, prerequisites in deps.items():
        for dep in prerequisites:
            dependents[dep].append(action_id)

    def key(action_id: str) -> tuple[int, int, int]:
        action = by_id[action_id]
        return (action.phase, -action.impact, position[action_id])

    ready = [(*key(a), a) for a, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        *_, action_id = heapq.heappop(ready)
        order.append(action_id)
        for nxt in dependents[action_id]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (*key(nxt), nxt))
    # The loader rejects cycles in the catalogue; the implicit security edges cannot form one
    # unless a security control itself goes live, which the content check forbids.
    if len(order) != len(actions):
        raise ValueError("action dependencies form a cycle")
    return order

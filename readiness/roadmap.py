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


def build_roadmap(
    rubric: Rubric, facts: rules.Facts, lang: str, priority_needs: frozenset[str] = frozenset()
) -> Roadmap:
    """`priority_needs`: actions that meet a prerequisite of the priority scenario."""
    actions = triggered_actions(rubric, facts)
    by_id = {a.id: a for a in actions}
    controls = {a.id for a in actions if a.security_control}
    stated = {a.id: sorted(d for d in a.depends_on if d in by_id) for a in actions}
    # A go-live waits for every security control; a control may share the go-live's phase.
    guarded = {a.id: sorted(controls) if a.goes_live else [] for a in actions}
    deps = {a: sorted({*stated[a], *guarded[a]}) for a in by_id}
    order = _topological(actions, deps)
    rank = {action_id: i for i, action_id in enumerate(order)}

    def with_prerequisites(start: list[str]) -> set[str]:
        found: set[str] = set()
        pending = list(start)
        while pending:
            action_id = pending.pop()
            if action_id not in found:
                found.add(action_id)
                pending.extend(deps[action_id])
        return found

    anchors = with_prerequisites([a.id for a in actions if a.pilot])  # the strategy's work and what it needs
    boosted = with_prerequisites([a for a in priority_needs if a in by_id])  # what the priority scenario needs

    # A control that only a go-live needs waits for that go-live, so it is not put in quarter one
    # for a model that goes live a year later.
    go_lives = [a.id for a in actions if a.goes_live]
    early = {d for a in anchors if not by_id[a].goes_live for d in stated[a]}
    waits_for_go_live = {c for c in controls & anchors if c not in early}

    def value(action_id: str) -> int:
        action = by_id[action_id]
        return 2 * action.impact - EFFORT_COST[action.effort]

    def key(action_id: str) -> tuple[bool, bool, int, int]:
        return (action_id not in anchors, action_id not in boosted, -value(action_id), rank[action_id])

    def stated_ready(action_id: str, phase: int) -> bool:
        if by_id[action_id].phase > phase:
            return False
        return all(
            dep in placed and placed[dep] + (0 if by_id[dep].effort == "S" else 1) <= phase for dep in stated[action_id]
        )

    def ready(action_id: str, phase: int) -> bool:
        if not stated_ready(action_id, phase):
            return False
        if action_id in waits_for_go_live:
            return any(g not in placed and stated_ready(g, phase) for g in go_lives)
        return all(dep in placed and placed[dep] <= phase for dep in guarded[action_id])

    # Placing an action can make ready only what depends on it, and the controls that wait for a
    # go-live once the go-live's own prerequisites are placed.
    dependents: dict[str, set[str]] = {a: set() for a in by_id}
    for action_id, prerequisites in deps.items():
        for dep in prerequisites:
            dependents[dep].add(action_id)
    for go_live in go_lives:
        for dep in stated[go_live]:
            dependents[dep] |= waits_for_go_live

    caps = phase_caps(rubric.roadmap or UNCAPPED, facts)
    placed: dict[str, int] = {}
    for phase, cap in zip(PHASES, caps, strict=True):
        count = 0
        candidates = {a for a in order if a not in placed and ready(a, phase)}
        while candidates:
            # Anchors are placed even beyond the cap: the strategy's work is never left for later.
            allowed = candidates if count < cap else candidates & anchors
            if not allowed:
                break
            best = min(allowed, key=key)
            placed[best] = phase
            count += 1
            candidates.discard(best)
            candidates |= {a for a in dependents[best] if a not in placed and ready(a, phase)}

    def item(action: Action, phase: int) -> RoadmapItem:
        return RoadmapItem(
            id=action.id,
            step=action.step,
            phase=phase,
            title=action.title.get(lang),
            description=action.description.get(lang),
            effort=action.effort,
            impact=action.impact,
            depends_on=deps[action.id],
            support=action.support.get(lang) if action.support else None,
        )

    scheduled = list(placed)  # in the order placed: phase by phase, prerequisites first
    later = sorted((a for a in order if a not in placed), key=key)
    return Roadmap(
        scheduled=[item(by_id[a], placed[a]) for a in scheduled],
        later=[item(by_id[a], LATER) for a in later],
    )


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

"""Triggered actions -> a phased roadmap in dependency order (pure).

Phases: 1 = 0-3 months, 2 = 3-12 months, 3 = 12-24 months. An action starts no earlier than its
catalogue phase, and after its prerequisites: in the same phase behind a quick (S) prerequisite,
one phase later behind a longer one. Every security control comes before any model goes live.
"""

from __future__ import annotations

import heapq

from . import rules
from .model import Action, RoadmapItem, Rubric

PHASES = (1, 2, 3)


def triggered_actions(rubric: Rubric, facts: rules.Facts) -> list[Action]:
    return [a for a in rubric.actions if rules.evaluate(a.trigger, facts)]


def build_roadmap(rubric: Rubric, facts: rules.Facts, lang: str) -> list[RoadmapItem]:
    actions = triggered_actions(rubric, facts)
    by_id = {a.id: a for a in actions}
    controls = [a.id for a in actions if a.security_control]
    deps = {
        a.id: sorted({d for d in a.depends_on if d in by_id} | (set(controls) if a.goes_live else set()))
        for a in actions
    }
    order = _topological(actions, deps)
    phase: dict[str, int] = {}
    for action_id in order:
        action = by_id[action_id]
        earliest = action.phase
        for dep in deps[action_id]:
            earliest = max(earliest, phase[dep] + (0 if by_id[dep].effort == "S" else 1))
        phase[action_id] = min(earliest, PHASES[-1])
    rank = {action_id: i for i, action_id in enumerate(order)}
    ordered = sorted(order, key=lambda a: (phase[a], rank[a]))
    return [
        RoadmapItem(
            id=a.id,
            step=a.step,
            phase=phase[a.id],
            title=a.title.get(lang),
            description=a.description.get(lang),
            effort=a.effort,
            impact=a.impact,
            depends_on=deps[a.id],
            support=a.support.get(lang) if a.support else None,
        )
        for a in (by_id[i] for i in ordered)
    ]


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

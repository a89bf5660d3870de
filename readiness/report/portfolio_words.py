"""The written findings of a portfolio: sentences with counts and shares, in the portfolio's language."""

from __future__ import annotations

from ..catalogue import namespace
from ..portfolio import Portfolio

GAP_FINDINGS = 3  # gaps named on the findings page; the gaps section lists more


def share(value: float) -> str:
    return f"{value:.0%}"


def findings(portfolio: Portfolio) -> list[str]:
    """The key findings, most general first; only those the figures support."""
    w = namespace(portfolio.lang, "park")
    total = portfolio.count
    if not total:
        return []
    out = []
    top_level = max(range(5), key=lambda i: (portfolio.overall_levels[i], -i))
    out.append(
        w["finding_overview"].format(
            count=total,
            score=f"{portfolio.average_overall:.1f}",
            level=portfolio.level_names[top_level],
            level_count=portfolio.overall_levels[top_level],
            level_share=share(portfolio.overall_levels[top_level] / total),
        )
    )
    groups = {s.id: s for s in portfolio.segments}
    if "lighthouse" in groups:
        s = groups["lighthouse"]
        out.append(w["finding_lighthouse"].format(count=s.count, total=total, share=share(s.share)))
    ready = portfolio.ready
    if ready:
        out.append(w["finding_ready"].format(count=ready, total=total, share=share(ready / total)))
    foundations = sum(groups[g].count for g in ("equipment", "data") if g in groups)
    if foundations:
        out.append(w["finding_foundations"].format(count=foundations, total=total, share=share(foundations / total)))
    for gap in portfolio.gaps[:GAP_FINDINGS]:
        key = "finding_gap" if gap.answer else "finding_gap_plain"
        out.append(
            w[key].format(
                count=gap.count, total=total, share=share(gap.share), question=gap.question, answer=gap.answer
            )
        )
    if portfolio.scenarios:
        top = max(portfolio.scenarios, key=lambda s: (s.ready_now, s.relevant))
        out.append(w["finding_scenario"].format(title=top.title, relevant=top.relevant, ready=top.ready_now))
    everyone = [a for a in portfolio.common_actions if a.count == total]
    if everyone and total > 1:
        key = "finding_shared_action" if len(everyone) == 1 else "finding_shared_actions"
        out.append(w[key].format(count=len(everyone), example=everyone[0].label))
    programme = portfolio.visits
    if programme:
        due = programme.due_total
        if due:
            out.append(w["finding_due"].format(count=due, months=programme.due_after_months))
        if programme.undated:
            out.append(w["finding_undated"].format(count=programme.undated))
        if programme.flagged:
            out.append(w["finding_flagged"].format(count=programme.flagged))
    if portfolio.previous:
        r = portfolio.previous
        out.append(w["finding_progress"].format(matched=r.matched, up=r.overall_up, down=r.overall_down))
    return out

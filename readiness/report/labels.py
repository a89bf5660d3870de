"""Fixed wording of the terminal output and the report, per language: the catalogue's `report.*` keys.

The text itself lives in readiness/catalogue/<lang>.yaml; templates get one language's dict as `t`.
"""

from __future__ import annotations

from ..catalogue import namespace
from ..languages import LANGUAGES

LABELS: dict[str, dict[str, str]] = {lang: dict(namespace(lang, "report")) for lang in LANGUAGES}

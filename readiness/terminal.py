"""Text from users on the terminal: the one function that makes it harmless to print (pure, no Rich).

Enterprise names, answers, notes, paths and content titles can hold escape sequences (a clear
screen, a window title, an OSC 8 link), C1 controls that some terminals obey, and bidi overrides
that make text read differently from what it is. `printable` shows each of them as the visible
placeholder "\ufffd" (the replacement character), as Python does for bytes it cannot decode.
Rich markup is a separate matter: user text goes to Rich as `rich.text.Text`, or through
`readiness.cli.common.escape`, which calls `printable` too.
"""

from __future__ import annotations

import re

PLACEHOLDER = "\ufffd"

# C0 controls except tab and newline, DEL, C1 controls, the bidi marks, embeddings, overrides and
# isolates, and lone surrogates (an undecodable byte in a file name; they cannot be written out).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: object) -> str:
    """`text` as a string that is safe to print: controls and bidi characters become "\ufffd"."""
    return _UNPRINTABLE.sub(PLACEHOLDER, str(text))

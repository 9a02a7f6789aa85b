"""``timeout-minutes`` and ``cancel-timeout-minutes``: Shipyard's warning about fractions.

GitHub accepts any number here but keeps only its whole part when the job runs
(``2.5`` waits 2 minutes); Shipyard honours the fraction. The file is valid either way,
so this is a warning: the same workflow times out at different moments on the two.
"""

from __future__ import annotations

import math

from shipyard.workflow.convert.context import ConvertContext
from shipyard.workflow.tokens import NumberToken, Token


def check_timeout(ctx: ConvertContext, key: str, token: Token) -> None:
    """Warn when a literal timeout is not a whole number of minutes."""
    if not isinstance(token, NumberToken):
        return
    value = token.value
    if not math.isfinite(value) or value == int(value):
        return
    whole = math.trunc(value)
    ctx.warning(
        token,
        f"'{key}' is {token}: GitHub truncates it to {whole} minutes, "
        "Shipyard honours the fraction",
        hint=f"write a whole number of minutes (e.g. {max(whole, 1)}) to run the same on both",
    )

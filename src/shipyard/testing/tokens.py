"""Reaching into token trees in tests: the token at a path of mapping keys and list indexes."""

from __future__ import annotations

from shipyard.workflow.tokens import MappingToken, SequenceToken, Token


def token_at(token: Token | None, *path: str | int) -> Token:
    """The token under ``token`` at ``path`` (a key for a mapping, an index for a list)."""
    for step in path:
        if isinstance(step, int):
            assert isinstance(token, SequenceToken)
            token = token.items[step]
        else:
            assert isinstance(token, MappingToken)
            token = token.get(step)
    assert token is not None
    return token

"""The expression parser: tokens to an :mod:`~shipyard.expr.ast` tree, GitHub's errors.

A port of ``parser.ts`` (a recursive-descent parser with GitHub's depth accounting):

    expression := or;  or := and ('||' and)*;  and := equality ('&&' equality)*
    equality := comparison (('=='|'!=') comparison)*
    comparison := unary (('<'|'<='|'>'|'>=') unary)*;  unary := '!' unary | index
    index := call ('[' (expression|'*') ']' | '.' (identifier|'*'))*
    call := identifier '(' args ')' | identifier | primary
    primary := literal | '(' expression ')'

Named values and function names are validated here: an unknown one is a syntax error.

Where the TypeScript port and GitHub's server (the C# ``ExpressionParser`` in
``actions/runner``) word an error differently, the server wins when GitHub's expression
corpus does not pin the TypeScript wording: an expression that ends while a call, an index
or a property access is still open (``contains('a', 'b'``, ``a[1``, ``a.``) is reported
as ``Unexpected end of expression`` at its last token, as the server's check for
*unclosed tokens* does, not as TypeScript's ``Unexpected symbol: 'EOF'`` (no corpus case
expects ``'EOF'``; the golden ``errors-unclosed-tokens.yml`` records the server's text).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from shipyard.expr.ast import (
    Binary,
    ContextAccess,
    Expr,
    FunctionCall,
    Grouping,
    IndexAccess,
    Literal,
    Logical,
    Star,
    Unary,
)
from shipyard.expr.errors import MAX_DEPTH, ExpressionError, syntax_error
from shipyard.expr.functions import BUILTIN_FUNCTIONS, FunctionInfo
from shipyard.expr.lexer import Token, TokenType, tokenize

UNEXPECTED_SYMBOL = "Unexpected symbol"
UNEXPECTED_END = "Unexpected end of expression"
UNRECOGNIZED_NAMED_VALUE = "Unrecognized named-value"
UNRECOGNIZED_FUNCTION = "Unrecognized function"
EXCEEDED_MAX_DEPTH = f"Exceeded max expression depth {MAX_DEPTH}"
TOO_FEW_PARAMETERS = "Too few parameters supplied"
TOO_MANY_PARAMETERS = "Too many parameters supplied"
EVEN_PARAMETERS = "Even number of parameters supplied, requires an odd number of parameters"

_EQUALITY = (TokenType.BANG_EQUAL, TokenType.EQUAL_EQUAL)
_COMPARISON = (
    TokenType.GREATER,
    TokenType.GREATER_EQUAL,
    TokenType.LESS,
    TokenType.LESS_EQUAL,
)


class _Parser:
    __slots__ = ("contexts", "depth", "functions", "pos", "text", "tokens")

    def __init__(
        self,
        text: str,
        contexts: frozenset[str] | None,
        functions: dict[str, FunctionInfo],
    ) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0
        self.contexts = contexts
        self.functions = functions

    # --- token helpers (same semantics as parser.ts) ---

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def previous(self) -> Token:
        return self.tokens[self.pos - 1]

    def at_end(self) -> bool:
        return self.tokens[self.pos].type is TokenType.EOF

    def check(self, type_: TokenType) -> bool:
        return self.tokens[self.pos].type is type_ and type_ is not TokenType.EOF

    def match(self, *types: TokenType) -> bool:
        current = self.tokens[self.pos].type
        if current is not TokenType.EOF and current in types:
            self.pos += 1
            return True
        return False

    def consume(self, type_: TokenType) -> None:
        if not self.match(type_):
            raise self.unexpected()

    def unexpected(self) -> ExpressionError:
        """The error for the current token, which is not what the grammar needs here.

        At the end of the text that is GitHub's server's "Unexpected end of expression"
        at the last token (TypeScript says "Unexpected symbol: 'EOF'"; see the module doc).
        """
        token = self.peek()
        if token.type is TokenType.EOF:
            return self.error(UNEXPECTED_END, self.previous())
        return self.error(UNEXPECTED_SYMBOL, token)

    def error(self, description: str, token: Token) -> ExpressionError:
        return syntax_error(description, token.display(), token.offset, self.text)

    def incr_depth(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(EXCEEDED_MAX_DEPTH, self.peek())

    # --- grammar ---

    def parse(self) -> Expr:
        if self.at_end():
            return Literal(None, 0)  # an empty expression evaluates to null
        result = self.expression()
        if not self.at_end():
            raise self.error(UNEXPECTED_SYMBOL, self.peek())
        return result

    def expression(self) -> Expr:
        self.incr_depth()
        result = self.logical_or()
        self.depth -= 1
        return result

    def logical_or(self) -> Expr:
        return self.logical(TokenType.OR, self.logical_and)

    def logical_and(self) -> Expr:
        return self.logical(TokenType.AND, self.equality)

    def logical(self, operator: TokenType, operand: Callable[[], Expr]) -> Expr:
        first = operand()
        if not self.check(operator):
            return first
        self.incr_depth()
        token = self.peek()
        args = [first]
        while self.match(operator):
            args.append(operand())
        self.depth -= 1
        return Logical(token.lexeme, tuple(args), token.offset)

    def equality(self) -> Expr:
        expr = self.comparison()
        while self.match(*_EQUALITY):
            token = self.previous()
            expr = Binary(expr, token.lexeme, self.comparison(), token.offset)
        return expr

    def comparison(self) -> Expr:
        expr = self.unary()
        while self.match(*_COMPARISON):
            token = self.previous()
            expr = Binary(expr, token.lexeme, self.unary(), token.offset)
        return expr

    def unary(self) -> Expr:
        if self.match(TokenType.BANG):
            self.incr_depth()
            token = self.previous()
            operand = self.unary()
            self.depth -= 1
            return Unary("!", operand, token.offset)
        return self.index()

    def index(self) -> Expr:
        expr = self.call()
        if not isinstance(expr, (Grouping, FunctionCall, ContextAccess)):
            return expr
        increased = 0
        while True:
            if self.match(TokenType.LEFT_BRACKET):
                bracket = self.previous()
                index: Expr
                if self.match(TokenType.STAR):
                    index = Star(self.previous().offset)
                else:
                    index = self.expression()
                self.consume(TokenType.RIGHT_BRACKET)
                self.incr_depth()
                increased += 1
                expr = IndexAccess(expr, index, bracket.offset)
            elif self.match(TokenType.DOT):
                dot = self.previous()
                self.incr_depth()
                increased += 1
                if self.match(TokenType.IDENTIFIER):
                    name = self.previous()
                    expr = IndexAccess(expr, Literal(name.lexeme, name.offset), dot.offset)
                elif self.match(TokenType.STAR):
                    expr = IndexAccess(expr, Star(self.previous().offset), dot.offset)
                else:
                    raise self.unexpected()
            else:
                break
        self.depth -= increased
        return expr

    def call(self) -> Expr:
        if not self.check(TokenType.IDENTIFIER):
            return self.primary()
        identifier = self.tokens[self.pos]
        self.pos += 1
        if not self.match(TokenType.LEFT_PAREN):
            if self.contexts is not None and identifier.lexeme.lower() not in self.contexts:
                raise self.error(UNRECOGNIZED_NAMED_VALUE, identifier)
            return ContextAccess(identifier.lexeme, identifier.offset)
        args: list[Expr] = []
        while not self.match(TokenType.RIGHT_PAREN):
            args.append(self.expression())
            if not self.check(TokenType.RIGHT_PAREN):
                self.consume(TokenType.COMMA)
        self.validate_call(identifier, len(args))
        return FunctionCall(identifier.lexeme, tuple(args), identifier.offset)

    def validate_call(self, identifier: Token, count: int) -> None:
        name = identifier.lexeme.lower()
        info = BUILTIN_FUNCTIONS.get(name) or self.functions.get(name)
        if info is None:
            raise self.error(UNRECOGNIZED_FUNCTION, identifier)
        if count < info.min_args:
            raise self.error(TOO_FEW_PARAMETERS, identifier)
        if count > info.max_args:
            raise self.error(TOO_MANY_PARAMETERS, identifier)
        if name == "case" and count % 2 == 0:
            raise self.error(EVEN_PARAMETERS, identifier)

    def primary(self) -> Expr:
        token = self.peek()
        kind = token.type
        value: bool | float | str | None
        if kind is TokenType.FALSE:
            value = False
        elif kind is TokenType.TRUE:
            value = True
        elif kind is TokenType.NULL:
            value = None
        elif kind is TokenType.NUMBER or kind is TokenType.STRING:
            value = token.value
        elif kind is TokenType.LEFT_PAREN:
            self.pos += 1
            inner = self.expression()
            self.consume(TokenType.RIGHT_PAREN)
            return Grouping(inner, token.offset)
        else:
            raise self.unexpected()
        self.pos += 1
        return Literal(value, token.offset)


def parse_expression(
    text: str,
    *,
    contexts: Collection[str] | None = None,
    functions: Collection[FunctionInfo] = (),
) -> Expr:
    """Parse an expression written without its ``${{ }}``.

    ``contexts``: the named values allowed (case-insensitive); ``None`` allows any.
    ``functions``: functions allowed besides the built-ins. An empty expression parses to
    a null :class:`Literal`. Raises :class:`ExpressionError` with GitHub's message.
    """
    allowed = None if contexts is None else frozenset(c.lower() for c in contexts)
    extra = {f.name.lower(): f for f in functions}
    return _Parser(text, allowed, extra).parse()

"""The eight workflows of the shipped pipeline, rendered for one project (pure).

The templates are package data (``shipyard/scaffold/templates/*.yml``), plain workflow
YAML with a small placeholder syntax of Shipyard's own that leaves GitHub's ``${{ }}``
alone:

- ``{{shipyard:NAME}}`` inside a line is replaced by a one-line value;
- ``{{shipyard:NAME}}`` alone on a line is a block: each of its lines is indented like the
  placeholder, and an empty block removes the line;
- ``{{shipyard:if FLAG}}`` / ``{{shipyard:if not FLAG}}``, ``{{shipyard:else}}`` and
  ``{{shipyard:end}}`` alone on a line keep or drop the lines between them (nestable).

Values come from :mod:`shipyard.scaffold.values`. Each rendered file starts with its stamp
(:mod:`shipyard.scaffold.stamp`). An unknown name is a bug in a template and raises
:class:`InternalError`. Reading the package's own templates is the only I/O here.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Mapping

from shipyard.errors import InternalError
from shipyard.scaffold.project import ProjectFacts
from shipyard.scaffold.stamp import stamp_text
from shipyard.scaffold.values import TemplateValues, template_values
from shipyard.settings import ProjectSettings

TEMPLATES = (
    "1-tests",
    "2-coverage",
    "3-performance",
    "4-code-quality",
    "5-security",
    "6-deploy",
    "continuous-integration",
    "continuous-deployment",
)
WORKFLOWS_DIR = ".github/workflows"
_DIRECTIVE = re.compile(r"^\s*\{\{shipyard:(?:(if not |if )([a-z_]+)|(else|end))\}\}\s*$")
_BLOCK = re.compile(r"^(\s*)\{\{shipyard:([a-z_]+)\}\}\s*$")
_INLINE = re.compile(r"\{\{shipyard:([a-z_]+)\}\}")


def load_template(name: str) -> str:
    """The text of the packaged template ``name`` (without ``.yml``)."""
    folder = importlib.resources.files("shipyard.scaffold").joinpath("templates")
    return folder.joinpath(f"{name}.yml").read_text(encoding="utf-8")


def _flag(values: TemplateValues, name: str, template: str) -> bool:
    if name not in values.flags:
        raise InternalError(f"template {template}: unknown flag {name!r}")
    return values.flags[name]


def render_template(text: str, values: TemplateValues, name: str = "template") -> str:
    """``text`` with every placeholder and condition resolved (syntax in the docstring)."""
    out: list[str] = []
    keep: list[bool] = []  # one entry per open condition: are its lines kept?
    for line in text.splitlines():
        directive = _DIRECTIVE.match(line)
        if directive is not None:
            word, flag = directive.group(1), directive.group(2) or directive.group(3)
            if word:
                keep.append(_flag(values, flag, name) != (word == "if not "))
            elif flag == "else":
                if not keep:
                    raise InternalError(f"template {name}: else without if")
                keep[-1] = not keep[-1]
            else:
                if not keep:
                    raise InternalError(f"template {name}: end without if")
                keep.pop()
            continue
        if not all(keep):
            continue
        block = _BLOCK.match(line)
        if block is not None and block.group(2) in values.blocks:
            indent = block.group(1)
            out.extend(indent + part if part else "" for part in values.blocks[block.group(2)])
            continue

        def inline(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in values.inline:
                raise InternalError(f"template {name}: unknown placeholder {key!r}")
            return values.inline[key]

        out.append(_INLINE.sub(inline, line))
    if keep:
        raise InternalError(f"template {name}: if without end")
    return "\n".join(out) + "\n"


def workflow_path(name: str) -> str:
    """Where the workflow of template ``name`` lives in a project."""
    return f"{WORKFLOWS_DIR}/{name}.yml"


def render_workflows(
    facts: ProjectFacts,
    settings: ProjectSettings,
    templates: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """``{".github/workflows/<name>.yml": stamped text}`` for the eight templates."""
    values = template_values(facts, settings)
    rendered: dict[str, str] = {}
    for name in TEMPLATES:
        text = templates[name] if templates is not None else load_template(name)
        rendered[workflow_path(name)] = stamp_text(name, render_template(text, values, name))
    return rendered

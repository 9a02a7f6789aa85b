"""What a running step writes, interpreted exactly as GitHub's runner does (pure, no I/O).

:mod:`~shipyard.stepio.envfiles` reads ``GITHUB_ENV``/``GITHUB_OUTPUT``/``GITHUB_STATE``/
``GITHUB_PATH`` contents, :mod:`~shipyard.stepio.summary` checks and masks
``GITHUB_STEP_SUMMARY``, :mod:`~shipyard.stepio.commands` parses workflow commands,
:mod:`~shipyard.stepio.processor` turns output lines into log text and
:mod:`~shipyard.stepio.events`, and :mod:`~shipyard.stepio.masking` hides secrets.
The engine reads the files and the process output and hands the text here.
"""

from __future__ import annotations

from shipyard.stepio.commands import (
    WorkflowCommand,
    escape_data,
    escape_property,
    format_command,
    parse_command,
)
from shipyard.stepio.envfiles import (
    EnvFile,
    FileCommandError,
    merge_path_additions,
    parse_env_file,
    parse_github_env,
    parse_github_output,
    parse_github_path,
    parse_github_state,
    render_path,
)
from shipyard.stepio.events import (
    AddMask,
    AddPath,
    Annotation,
    CommandFailed,
    EndGroup,
    Event,
    MatcherCommand,
    SaveState,
    SetEnv,
    SetOutput,
    StartGroup,
)
from shipyard.stepio.masking import MASK, Masker, encode_variants
from shipyard.stepio.processor import COMMANDS, CommandProcessor, LineResult
from shipyard.stepio.summary import (
    SUMMARY_SIZE_LIMIT,
    check_summary,
    check_summary_size,
    render_summary,
)

__all__ = [
    "COMMANDS",
    "MASK",
    "SUMMARY_SIZE_LIMIT",
    "AddMask",
    "AddPath",
    "Annotation",
    "CommandFailed",
    "CommandProcessor",
    "EndGroup",
    "EnvFile",
    "Event",
    "FileCommandError",
    "LineResult",
    "Masker",
    "MatcherCommand",
    "SaveState",
    "SetEnv",
    "SetOutput",
    "StartGroup",
    "WorkflowCommand",
    "check_summary",
    "check_summary_size",
    "encode_variants",
    "escape_data",
    "escape_property",
    "format_command",
    "merge_path_additions",
    "parse_command",
    "parse_env_file",
    "parse_github_env",
    "parse_github_output",
    "parse_github_path",
    "parse_github_state",
    "render_path",
    "render_summary",
]

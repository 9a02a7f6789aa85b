"""``shipyard init``: the shipped CI/CD pipeline (pipeline.md) as package data, fitted to a project.

The pure parts, in the order the command uses them: :mod:`~shipyard.scaffold.project`
(what the project is), :mod:`~shipyard.scaffold.settings_table` (the ``[tool.shipyard]``
choices and their text), :mod:`~shipyard.scaffold.values` and
:mod:`~shipyard.scaffold.render` (the eight workflows from ``templates/``),
:mod:`~shipyard.scaffold.stamp` (the first line that tells an edited file) and
:mod:`~shipyard.scaffold.plan` (what would change, with diffs). Listing, reading and
writing the project's files is the command's, :mod:`shipyard.cli.init`.
"""

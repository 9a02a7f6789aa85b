"""Shipyard: run GitHub Actions workflows natively, with GitHub's exact semantics."""

__version__ = "0.1.0"

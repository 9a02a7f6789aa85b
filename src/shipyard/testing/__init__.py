"""Fakes and contract suites that let the engine be tested without processes."""

"""The workflow language: reading, validating and modelling ``.github/workflows`` files."""

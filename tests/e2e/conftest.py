"""The e2e folder holds project files run by tests, not tests: pytest must not collect them."""

collect_ignore_glob = ["scenarios/*", "sample_project/*"]

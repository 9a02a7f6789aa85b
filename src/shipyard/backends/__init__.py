"""Backends: where a job's processes run (this host, a container engine, remote workers)."""

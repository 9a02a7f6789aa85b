"""The engine: events from git, workspaces, scheduling and running jobs and steps."""

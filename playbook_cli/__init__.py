"""The `playbook` command: the one place that wires the core, the site builder and the app."""

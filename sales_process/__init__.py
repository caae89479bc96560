"""The core of cvo-playbook: the process model and the pure assessment engine."""

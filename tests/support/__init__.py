"""Test data the tests and the benchmarks share: deterministic synthetic processes and CRM exports."""

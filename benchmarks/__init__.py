"""Benchmarks: run them directly, never as timed tests."""

"""Benchmarks, one script per measure: ``python -m bench.<name>`` from the repository root."""

"""Benchmarks of the understanding engine (intent detection, out of scope, speed)."""

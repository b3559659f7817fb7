"""In-process benchmarks (scripts, not tests)."""

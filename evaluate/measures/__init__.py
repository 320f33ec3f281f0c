"""Evaluate 4A: the project's measures over time as SPC charts."""

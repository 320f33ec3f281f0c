"""Evaluate 4A: benchmarking a figure of the project's against England and peer
areas or providers, on a funnel plot."""

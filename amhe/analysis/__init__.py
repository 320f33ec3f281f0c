"""The shared analysis layer: breakdowns with suppression, chart builders, CSV safety
and download responses, used by every step (no Django models; no step imports it back)."""

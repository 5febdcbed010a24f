"""Command-line helpers shared by the benchmark scripts."""

import ast


def parse_overrides(items):
    """``["readout=last", "n_hidden=64"]`` -> ``{"readout": "last", "n_hidden": 64}`` (Python literals where they parse)."""
    overrides = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            overrides[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            overrides[key] = value
    return overrides

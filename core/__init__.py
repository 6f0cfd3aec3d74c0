"""Shared plumbing below every app: domain errors, the API's error format, fonts, number formatting.

Nothing here imports an app; every app may import from here (docs/architecture.md, "layer graph").
"""

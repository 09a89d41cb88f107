"""Synthetic source systems of a fictitious university (HR, finance, students), seeded and deterministic.

``generate(url, system, scale)`` in ``pipelines.synthetic.generate`` creates a
system's tables at any SQLAlchemy URL and fills them.
"""

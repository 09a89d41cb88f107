"""Connections to the outside systems: source databases, staging area, stores."""

"""Helpers shared by the three source schemas: one column definition, portable types only.

Only types every engine has are used (Integer, BigInteger, String(n), Text,
Date, DateTime, Numeric(p,s), Boolean), so that the same schema is created on
SQLite, PostgreSQL and MariaDB. No foreign-key constraints are declared: the
extracts of real systems (views, exports) rarely carry them, and the
deliberate orphan rows of the synthetic data would be refused.
"""

from __future__ import annotations

import sqlalchemy as sa


def col(name: str, type_: sa.types.TypeEngine, comment: str, *, key: bool = False,
        nullable: bool = True) -> sa.Column:
    """A column with its description (stored as a database comment where the engine keeps them).

    Keys are never auto-incremented: the generator writes every identifier
    itself, identically on every engine.
    """
    return sa.Column(name, type_, primary_key=key, nullable=False if key else nullable, comment=comment,
                     autoincrement=False)


def arrow_type_of(type_: sa.types.TypeEngine) -> str:
    """The Arrow type name (as written in the contracts) that a portable SQL type maps to."""
    if isinstance(type_, sa.BigInteger):
        return "int64"
    if isinstance(type_, sa.Integer):
        return "int32"
    if isinstance(type_, sa.Numeric) and not isinstance(type_, sa.Float):
        return f"decimal128({type_.precision},{type_.scale})"
    if isinstance(type_, sa.Boolean):
        return "bool"
    if isinstance(type_, sa.DateTime):
        return "timestamp[us]"
    if isinstance(type_, sa.Date):
        return "date32"
    if isinstance(type_, (sa.String, sa.Text)):
        return "string"
    raise TypeError(f"not a portable type of the source schemas: {type_!r}")


def sql_type_name(type_: sa.types.TypeEngine) -> str:
    """A short, engine-neutral name of the SQL type, e.g. ``String(8)``, ``Numeric(14,2)``."""
    if isinstance(type_, sa.Numeric) and not isinstance(type_, sa.Float):
        return f"Numeric({type_.precision},{type_.scale})"
    if isinstance(type_, sa.String) and not isinstance(type_, sa.Text) and type_.length:
        return f"String({type_.length})"
    return type(type_).__name__

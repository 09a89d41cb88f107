"""Publication formats: the Etalab CSV, the regulatory DECP JSON and the national schemas they follow."""

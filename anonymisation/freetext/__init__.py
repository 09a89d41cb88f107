"""Free-text scanner: persons and direct identifiers found and redacted in French text.

``FreeTextScanner(deny_names, public_names).scan(texts)`` returns the
redacted texts and findings (entity, row, offsets: never the text).
``find_identifiers`` is the pattern layer the leak guard shares.
"""

from anonymisation.freetext.recognizers import IdentifierMatch, compact, find_identifiers
from anonymisation.freetext.scanner import Finding, FreeTextScanner, ScanResult

__all__ = ["Finding", "FreeTextScanner", "IdentifierMatch", "ScanResult", "compact", "find_identifiers"]

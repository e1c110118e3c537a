"""Statement extraction: who said what, when and where, from an article's text."""

from bot.extract.statements import Statement, TooSlow, extract_statements

__all__ = ["Statement", "TooSlow", "extract_statements"]

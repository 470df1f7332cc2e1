"""plantui: a live terminal dashboard for Markdown implementation plans."""

__version__ = "0.1.0"

"""The one exception for bad input, in a module of its own so that a command
can catch it without importing the reader (and the parser behind it)."""


class PlanError(Exception):
    """Bad input or a refused write: the message is one sentence for a person."""

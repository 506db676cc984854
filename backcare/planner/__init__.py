"""Turning a person's answers into a session: screening, composing, saving."""

"""Saved sessions (CareSession and its CareSteps) arrive with the session builder."""

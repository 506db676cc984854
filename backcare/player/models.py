"""The player reads saved CareSessions; it keeps no tables of its own yet."""

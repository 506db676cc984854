"""Following a saved session step by step."""

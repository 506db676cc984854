"""Backcare: personalised back-care sessions, built and followed in the browser."""

"""Persistence and domain rules. Nothing here imports `telegram`."""

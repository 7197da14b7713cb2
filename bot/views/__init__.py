"""Texts and cards that both handlers and jobs render (jobs never import handlers)."""

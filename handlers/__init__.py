"""Telegram handlers, one module per user flow: parse → call storage → render."""

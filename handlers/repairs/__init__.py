"""Repairs and hazards: report (menu or staff group), work the ticket, check it, list them."""

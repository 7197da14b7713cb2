"""🥡 留样: logging a meal's samples, checking them, disposal, holds."""

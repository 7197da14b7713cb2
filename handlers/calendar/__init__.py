"""The safety calendar: /tasks, completing tasks and drills, the term plan import, the rules."""

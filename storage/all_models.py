"""Import every module that defines tables, so the metadata is complete."""

from storage import calendar_models, disinfection, models  # noqa: F401

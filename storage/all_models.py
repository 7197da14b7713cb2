"""Import every module that defines tables, so the metadata is complete."""

from storage import disinfection, inbox_models, models  # noqa: F401

"""Import every module that defines tables, so the metadata is complete."""

from storage import disinfection, models, notice_models  # noqa: F401

"""Import every module that defines tables, so the metadata is complete."""

from storage import checkin_models, disinfection, models  # noqa: F401

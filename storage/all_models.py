"""Import every module that defines tables, so the metadata is complete."""

from storage import disinfection, missed, models, samples_models  # noqa: F401

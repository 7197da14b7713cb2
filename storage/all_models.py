"""Import every module that defines tables, so the metadata is complete."""

import storage.repairs_models  # noqa: F401
from storage import calendar_models, disinfection, inbox_models, models  # noqa: F401

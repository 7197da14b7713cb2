"""Import every module that defines tables, so the metadata is complete."""

import storage.repairs_models  # noqa: F401
from storage import disinfection, models, notice_models  # noqa: F401

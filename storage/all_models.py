"""Import every module that defines tables, so the metadata is complete."""

import storage.repairs_models  # noqa: F401
from storage import (  # noqa: F401
    calendar_models,
    checkin_models,
    disinfection,
    inbox_models,
    missed,
    models,
    notice_models,
    samples_models,
)

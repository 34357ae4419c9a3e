"""Reading and writing .nqe model files (docs/model-format.md)."""
from .builder import ModelBuilder  # noqa: F401
from .container import (ModelFormatError, from_bytes, load_model, model_checksum,  # noqa: F401
                        save_model, to_bytes)
from .proto import pb  # noqa: F401

"""The Python integer reference: the semantics the C++ engine must match bit for bit."""
from .interpreter import Interpreter, run_model  # noqa: F401

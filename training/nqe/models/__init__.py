"""NQE networks built from configuration data (see zoo/)."""
from .net import NQENet, build_model, has_float_weights, load_stage_weights, prunable_units, units

__all__ = ["NQENet", "build_model", "has_float_weights", "prunable_units", "units"]

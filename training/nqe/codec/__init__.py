"""Patch-based compression: the NQE encoder in compression mode and the PURENET decoder."""

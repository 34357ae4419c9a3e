"""NQE: training, export and the integer reference for the 1 Mbit quantized encoder."""

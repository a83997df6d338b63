"""A differential fuzzer: random valid scripts per mechanism family, run on both kernels."""

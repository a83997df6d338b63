"""Checking a script against this machine's kernel: the real run (`run`) and its comparison with the
simulation (`diff`). This package joins the two kernels; neither kernel imports it."""

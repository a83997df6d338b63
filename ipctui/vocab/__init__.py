"""The vocabulary both kernels speak: constants, errno names, trace events and call signatures.

Neither kernel owns it: the simulated kernel (`ipctui.engine`) and the real one (`ipctui.real`)
both import it, and it imports neither."""

"""Running scripts on the machine's real kernel, to check the simulation against the truth."""

"""`python -m preflight`: see preflight.cli."""

import gc
import sys

from .cli import main

# Guarded: --all-stacks spawns one process per stack, and a spawned child imports this module.
if __name__ == "__main__":
    code = main()
    # The report is written. What the program left on the heap (hundreds of MB at thousands of
    # resources) need not be collected object by object on the way out: frozen objects are skipped.
    gc.freeze()
    sys.exit(code)

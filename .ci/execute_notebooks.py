"""Execute notebooks top to bottom with nbclient (the ``notebooks`` extra); fail on the
first cell that raises. ``--save`` writes the outputs back into the files (how the saved
outputs in notebooks/ are made); CI runs without it, so the checkout is left unchanged.

Usage: python .ci/execute_notebooks.py [--save] notebooks/*.ipynb
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main(argv: list[str]) -> int:
    save = "--save" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")]
    if not paths:
        print("no notebooks given", file=sys.stderr)
        return 2
    for p in paths:
        t0 = time.monotonic()
        nb = nbformat.read(p, as_version=4)
        NotebookClient(nb, timeout=1200, kernel_name="python3",
                       resources={"metadata": {"path": str(p.parent)}}).execute()
        if save:
            nbformat.write(nb, p)
        print(f"{p}: executed in {time.monotonic() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

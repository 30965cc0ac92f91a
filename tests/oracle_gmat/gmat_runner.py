"""Run one GMAT script with gmatpy; executed by the GMAT oracle venv's Python, not by pytest.

Usage: ``python gmat_runner.py SCRIPT [FILE ...]``.  Each FILE is first copied into GMAT's
runtime folder, where gmatpy points the potential paths it does not bundle (e.g. a Moon
field's default ``LP165P.cof``, which GMAT opens when Luna becomes a primary body, before
the script's own ``PotentialFile`` is applied).  Exit 0 when the mission completed; otherwise 1
with the error and the tail of GMAT's engine log on stderr.
"""

import sys
from pathlib import Path


def main(script: str, extra: list[str]) -> int:
    import shutil

    import gmatpy
    from gmatpy import _runtime

    with gmatpy.native_session():
        pass                                   # starts the engine and its runtime folder
    for name in extra:
        shutil.copy(name, _runtime._directory.name)

    try:
        gmatpy.run_script(script, outputs={})
    except (RuntimeError, ValueError, OSError) as exc:  # with GMAT's own log, which says why
        log = ""
        if _runtime._directory is not None:
            path = Path(_runtime._directory.name) / "engine.log"
            if path.exists():
                log = path.read_text(errors="replace")[-2500:]
        print(f"{type(exc).__name__}: {exc}\n--- GMAT engine log (tail) ---\n{log}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))

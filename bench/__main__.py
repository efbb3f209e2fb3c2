"""Run one benchmark by name, or list them: ``python -m bench [NAME] [ARGS...]``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    names = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    if len(sys.argv) < 2 or sys.argv[1] not in names:
        print("usage: python -m bench NAME [ARGS...]\nbenchmarks: " + ", ".join(names))
        return 2
    module = importlib.import_module(f"bench.bench_{sys.argv[1]}")
    sys.argv = [f"bench {sys.argv[1]}", *sys.argv[2:]]
    result: int = module.main()
    return result


if __name__ == "__main__":
    sys.exit(main())

"""What closed years leave in a projection worker's memory, by allocation site:
``tracemalloc`` over a rebuild of one year and of ``--years`` years of the same
agencies, each with ``--open-years`` open, and the difference between the two (what
the closed years hold), largest first.

Each history is generated in a fresh process, untimed and untraced, into its own
SQLite file; only the rebuild is traced, and what it still holds after a full
collection is counted.

Run it::

    .venv/bin/python benchmarks/closed_memory.py
    .venv/bin/python benchmarks/closed_memory.py --agencies 2 --servants 100 --years 3 --top 20
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the repository on the path, not this folder
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common.options import positive
from benchmarks.common.printing import log, markdown_table
from benchmarks.common.province import Size, generate
from domain.application import MinhBach
from domain.storage import storage_from_url
from projections.runner import Projector

ROOT = str(Path(__file__).resolve().parents[1]) + "/"
Sites = dict[str, tuple[int, int]]  # allocation site → (bytes, blocks)


def held(size: Size, years: int, open_years: int) -> Sites:
    """What a rebuild of ``years`` years still holds, by allocation site."""
    with tempfile.TemporaryDirectory(prefix="minhbach-bench-") as folder:
        app = MinhBach(storage_from_url(f"sqlite:///{Path(folder) / 'events.db'}"))
        generated = generate(app, size, years=years)
        log(f"  {years} year(s): {generated.events} events")
        gc.collect()
        tracemalloc.start(1)
        projector = Projector(app, open_years=open_years)
        projector.rebuild()
        gc.collect()
        snapshot = tracemalloc.take_snapshot()
        tracemalloc.stop()
        projector.engine.dispose()
        app.close()
    return {
        f"{frame.filename.removeprefix(ROOT)}:{frame.lineno}": (stat.size, stat.count)
        for stat in snapshot.statistics("lineno")
        for frame in stat.traceback[:1]
    }


def differences(many: Sites, one: Sites) -> Iterator[tuple[str, int, int]]:
    for site in many.keys() | one.keys():
        (size, count), (base, blocks) = many.get(site, (0, 0)), one.get(site, (0, 0))
        yield site, size - base, count - blocks


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--agencies", type=positive, default=2)
    parser.add_argument("--servants", type=positive, default=100, help="per agency")
    parser.add_argument("--years", type=positive, default=3)
    parser.add_argument("--open-years", type=int, default=1)
    parser.add_argument("--top", type=positive, default=12, help="allocation sites shown")
    args = parser.parse_args()
    size = Size(agencies=args.agencies, servants=args.servants)
    # Each in a fresh process: the interpreter's own tables (interned strings, say)
    # grow once per process, and would count as the second history's.
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, maxtasksperchild=1) as pool:
        one = pool.apply(held, (size, 1, args.open_years))
        many = pool.apply(held, (size, args.years, args.open_years))
    mb = 1e6
    closed = max(0, args.years - args.open_years) - max(0, 1 - args.open_years)
    print(f"\n{size}, {args.open_years} open year(s), after a rebuild\n")
    print(f"1 year holds {sum(s for s, _ in one.values()) / mb:.1f} MB; ", end="")
    print(f"{args.years} years {sum(s for s, _ in many.values()) / mb:.1f} MB; ", end="")
    extra = sum(s for s, _ in many.values()) - sum(s for s, _ in one.values())
    print(f"the difference {extra / mb:.1f} MB ({closed} more closed year(s))\n")
    rows = sorted(differences(many, one), key=lambda row: -row[1])[: args.top]
    table = [[site, f"{size / mb:.2f}", f"{count:,}"] for site, size, count in rows]
    print(markdown_table(["allocated at", "MB more", "blocks more"], table, "lrr"))


if __name__ == "__main__":
    main()

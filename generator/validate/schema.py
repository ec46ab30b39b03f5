"""Table Schema checks, one batch per resource kind for speed.

All files of a kind are checked as one table with a hidden `_file` column, so a city of 5,000
communities costs ten batches, not 85,000 files. The check used is column by column
(generator/validate/columnar.py); frictionless, its reference (`_check_kind`), gives the same
problems and runs with JUWU_SCHEMA_CHECK=frictionless and in tests/test_columnar.py. Before that, cells a clerk typed the
Excel way (¥1,234.50, 2024年5月1日, full-width digits) are read exactly or refused with a message
that names the expected format (generator/validate/tablecheck.py, shared by both checks).
"""

from __future__ import annotations

import os

from generator import cores, forkpool, tableschemas
from generator.load.sources import Loaded, Source, TypedRow
from generator.problems import Problem, Problems
from generator.validate import columnar, tablecheck


# A file's schema check, kept for the next build: (sha256 of the file, [(row index, typed values)], problems).
Checked = tuple[str, list[tuple[int, dict]], list[Problem]]


def check_schemas(loaded: Loaded, processes: int | None = None,
                  known: dict[str, Checked] | None = None) -> tuple[dict[str, list[TypedRow]], Problems]:
    """Typed rows per source file, and every schema problem.

    frictionless checks ~50,000 rows a second on one core; a city of 5,000 communities has
    ~1.2 million ledger lines. The batches (one per kind, big kinds cut into runs of whole files) are
    checked in forked workers, which share the loaded sources without pickling them and send
    back only typed values and problems; results are merged in batch order, so the outcome is
    the same as checking one batch after another. A file in `known` with the same sha256 is
    not checked again (a republish reuses the city tables' check).
    """
    problems = Problems()
    typed: dict[str, list[TypedRow]] = {}
    fresh = []
    for source in loaded.sources:
        done = (known or {}).get(source.file)
        if done is not None and done[0] == loaded.hashes.get(source.file):
            typed[source.file] = [TypedRow(source, index, values) for index, values in done[1]]
            problems.extend(done[2])
        else:
            fresh.append(source)
    batches = _batches(fresh)
    for rows, batch_problems in _run(batches, processes):
        problems.extend(batch_problems)
        for row in rows:
            file = row.source.file
            if file in typed:
                typed[file].append(row)
            else:
                typed[file] = [row]
    return typed, problems


def checked_files(loaded: Loaded, typed: dict[str, list[TypedRow]], problems: Problems,
                  kinds: tuple[str, ...]) -> dict[str, Checked]:
    """The schema check of the files of these kinds, to give back as `known` next time."""
    return {s.file: (loaded.hashes.get(s.file, ""), [(r.index, r.values) for r in typed.get(s.file, [])],
                     [p for p in problems.items if p.file == s.file])
            for s in loaded.sources if s.kind in kinds}


MIN_ROWS_TO_FORK = 20_000  # below this a worker costs more than it saves
BATCH_ROWS = 50_000  # rows per frictionless batch: ~1 s of work, ~50 MB of inline table
Batch = tuple[str, list[Source]]  # (kind, sources)


def _batches(sources: list[Source]) -> list[Batch]:
    """(kind, sources) in kind order; a kind with many rows is cut into runs of whole files of
    about BATCH_ROWS rows, which bounds the memory frictionless and the inline table take."""
    by_kind: dict[str, list[Source]] = {}
    for source in sources:
        by_kind.setdefault(source.kind, []).append(source)
    batches = []
    for kind in sorted(by_kind):
        run: list[Source] = []
        rows = 0
        for source in by_kind[kind]:
            run.append(source)
            rows += _row_count([source])
            if rows >= BATCH_ROWS:
                batches.append((kind, run))
                run, rows = [], 0
        if run:
            batches.append((kind, run))
    return batches


def _row_count(sources: list[Source]) -> int:
    return sum(len(s.table.rows) if s.table is not None else 1 for s in sources)


def _run(batches: list[Batch], processes: int | None) -> list[tuple[list[TypedRow], Problems]]:
    """Every batch checked, results in batch order.

    Nothing of a call is kept at module level: the upload service checks several uploads at
    once in threads, and a check must never see another's batches. The forked workers get this
    call's batches as the pool's initializer argument, which the fork start method hands over
    in memory (no pickling), once per worker process (generator/forkpool.py).
    """
    n = min(processes or cores.workers(), len(batches))
    if n <= 1 or _row_count([s for _, group in batches for s in group]) < MIN_ROWS_TO_FORK:
        return [_check_batch(kind, sources) for kind, sources in batches]
    with forkpool.pool(n, batches) as pool:
        # Biggest batches first so the cores finish together; results in batch order.
        order = sorted(range(len(batches)), key=lambda i: -_row_count(batches[i][1]))
        futures = {i: pool.submit(_check_batch_in_worker, i) for i in order}
        return [_typed_rows(batches[i][1], *futures[i].result()) for i in range(len(batches))]


def _check_batch_in_worker(number: int) -> tuple[list[tuple[int, int, dict]], Problems]:
    """A batch checked in a worker: (source number in the batch, row index, typed values), which
    pickle small (the sources stay behind), and its problems."""
    kind, sources = forkpool.job()[number]
    rows, problems = _check_batch(kind, sources)
    positions = {id(s): i for i, s in enumerate(sources)}
    return [(positions[id(r.source)], r.index, r.values) for r in rows], problems


def _typed_rows(sources: list[Source], rows: list[tuple[int, int, dict]], problems: Problems):
    return [TypedRow(sources[number], index, values) for number, index, values in rows], problems


def _check_batch(kind: str, sources: list[Source]) -> tuple[list[TypedRow], Problems]:
    """One batch: its typed rows and its problems."""
    problems = Problems()
    check = _check_kind if os.environ.get("JUWU_SCHEMA_CHECK") == "frictionless" else _columnar_check_kind
    return check(kind, sources, problems), problems


def _columnar_check_kind(kind: str, sources: list[Source], problems: Problems) -> list[TypedRow]:
    """The schema check used: column by column (generator/validate/columnar.py), the same
    problems as frictionless (`_check_kind`, the reference, used when JUWU_SCHEMA_CHECK=frictionless)."""
    return columnar.check_kind(kind, sources, problems)


def _check_kind(kind: str, sources: list[Source], problems: Problems) -> list[TypedRow]:
    from frictionless import FrictionlessException, Resource  # imported only when this reference runs

    fields = tableschemas.fields(kind)
    names = list(fields)
    data: list[list[object]] = [["_file", *names]]
    origin: list[tuple[Source, int]] = []
    for number, source in enumerate(sources):
        mapping = tablecheck.map_header(kind, source, problems)
        if mapping is None:
            continue
        for index, raw in enumerate(source.rows()):
            cells = {mapping[c]: v for c, v in raw.items() if c in mapping}
            tablecheck.check_extra_cells(source, index, raw, mapping, problems)
            data.append([number, *(tablecheck.normalise(kind, source, index, n, cells.get(n), problems) for n in names)])
            origin.append((source, index))
    rows: list[TypedRow] = []
    if not origin:
        return rows
    try:
        with Resource(data=data, schema=tablecheck.batch_schema(kind)) as resource:
            for row in resource.row_stream:
                source, index = origin[row.row_number - 2]
                values = row.to_dict()
                values.pop("_file", None)
                submitted = dict(zip(data[0], data[row.row_number - 1]))
                for error in row.errors:
                    problems.add(tablecheck.from_frictionless(kind, source, index, error, values, origin, submitted))
                rows.append(TypedRow(source, index, values))
    except FrictionlessException as exc:
        problems.add(tablecheck.incomplete(kind, origin, len(rows), str(exc)))
        return rows
    if len(rows) != len(origin):
        # A check that stopped early has not checked the rest: never a pass (SECURITY.md item 15).
        problems.add(tablecheck.incomplete(kind, origin, len(rows), f"{len(rows)} of {len(origin)} rows checked"))
    return rows

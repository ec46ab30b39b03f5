"""The front half of the pipeline: gather the city and check it — load the files, read the city's
settings, check the tables against their schemas, assemble the model, put it through the rules —
in one process or, for a big city, in shards. What comes back is everything a build, `juwu
validate`, `juwu print` and the upload service need before they write anything."""

from __future__ import annotations

import functools
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator import collector, cores
from generator.assemble import assemble_city
from generator.buildcache import under
from generator.config import read_city
from generator.load import load_city
from generator.load.sources import digest_of
from generator.model import City
from generator.problems import ERROR, FINDING, Problems
from generator.validate.rules import check_rules
from generator.validate.schema import check_schemas, checked_files


@dataclass
class Validation:
    city: City | None
    problems: Problems
    digest: str = ""
    hashes: dict[str, str] = field(default_factory=dict)  # every file read → sha256
    city_tables: dict = field(default_factory=dict)  # the city tables' schema check, for the next build
    folders: list[str] = field(default_factory=list)  # the community folders found

    @property
    def ok(self) -> bool:
        return not self.problems.errors


CITY_KINDS = ("communities", "rollout")  # the city's own tables
SHARD_MIN_COMMUNITIES = 200  # below this, one process checks the city faster than several


def validate_city(data_dir: Path, communities: set[str] | None = None, known: dict | None = None,
                  processes: int | None = None) -> Validation:
    """Everything that can be checked, collected: a city is returned whenever one can be built.

    With `communities`, only those community folders are read (the city's own files always are),
    which keeps a pre-commit check fast in a city of 5,000 communities. The city built from such
    a subset is for checking only, never published as it is (a republish puts the summaries of the
    other communities in). `known`: the city tables' schema check from the last build.
    """
    n = processes or cores.workers()
    if communities is None and n > 1 and _folder_count(Path(data_dir)) >= SHARD_MIN_COMMUNITIES:
        return _validate_in_shards(Path(data_dir), known, n)
    return _validate(Path(data_dir), communities, known, processes)


def _validate(data_dir: Path, communities: set[str] | None, known: dict | None,
              processes: int | None = None) -> Validation:
    loaded, problems = load_city(Path(data_dir), communities)
    settings = read_city(loaded.city, problems)
    typed, schema_problems = check_schemas(loaded, processes, known=known)
    problems.extend(schema_problems)
    city_tables = checked_files(loaded, typed, schema_problems, CITY_KINDS)
    if settings is None:
        return Validation(None, problems, loaded.digest, loaded.hashes, folders=loaded.community_folders)
    city = assemble_city(settings, loaded, typed)
    problems.extend(_in_scope(check_rules(city, loaded, problems.items), communities))
    _attach_warnings(city, problems)
    return Validation(city, problems, loaded.digest, loaded.hashes, city_tables, loaded.community_folders)


# --- a big city, in shards ---------------------------------------------------------------------

def _validate_in_shards(data_dir: Path, known: dict | None, processes: int) -> Validation:
    """The city's own files once, then its communities in shards, each loaded, checked,
    assembled and put through the rules in a forked worker (loading alone is ~40 s of one core
    for 5,000 communities). Every rule sees what it would see in one pass: the city's files are
    read in every shard, and a community's checks need nothing of another community's folder.
    The workers send back their communities' models and problems; the result equals checking
    the whole city in one process (tests/test_validate_shards.py). Each task carries its own
    folder and city tables (a few thousand rows, pickled), never module state: the upload
    service checks several cities at once, in threads."""
    base = _validate(data_dir, set(), known, processes)
    if base.city is None:  # the city's settings are unreadable: report everything, in one pass
        return _validate(data_dir, None, known, processes)
    codes = sorted({c.code for c in base.city.communities} | set(base.folders))
    size = -(-len(codes) // (processes * 2))  # two shards a worker: the cores finish together
    shards = [frozenset(codes[i:i + size]) for i in range(0, len(codes), size)]
    with collector.paused(), ProcessPoolExecutor(processes, mp_context=cores.fork_context()) as pool:
        # Unpickling the shards' models would run the collector over the growing heap again and
        # again (about a CPU-second at 1,000 communities): they are kept, not garbage.
        results = list(pool.map(functools.partial(_check_shard, data_dir, base.city_tables), shards))
    models: dict = {}
    hashes = dict(base.hashes)
    for communities, problems, shard_hashes in results:
        models.update((c.code, c) for c in communities)
        base.problems.extend(problems)
        hashes.update(shard_hashes)
    for street in base.city.streets:
        street.communities = [models.get(c.code, c) for c in street.communities]
    base.city.source_hashes = hashes
    base.hashes, base.digest = hashes, digest_of(hashes)
    return base


def _check_shard(data_dir: Path, known: dict, shard: frozenset[str]):
    # The cycle collector would scan the millions of objects loading builds, again and again, for
    # about a third of the shard's CPU time, and find little garbage (the peak memory is the same).
    with collector.paused():
        v = _validate(data_dir, set(shard), known, processes=1)
    if v.city is None:
        return [], [p for p in v.problems.items if _belongs(p, shard)], {}
    return ([c for c in v.city.communities if c.code in shard],
            [p for p in v.problems.items if _belongs(p, shard)],
            {rel: sha for rel, sha in v.hashes.items() if under(rel, shard)})


def _belongs(problem, shard: frozenset[str]) -> bool:
    """A problem of the shard's communities or their files (the city's are the base's)."""
    return problem.community in shard or under(problem.file or "", shard)


def _folder_count(data_dir: Path) -> int:
    try:
        return sum(1 for _ in os.scandir(data_dir / "communities"))
    except OSError:
        return 0


def _in_scope(problems, communities: set[str] | None):
    """On a subset, a rule may see an unread community as empty (no committee, no ledgers): keep
    only problems of the communities read or of no community (the city's own files)."""
    if communities is None:
        return problems
    return [p for p in problems if p.community is None or p.community in communities]


def _attach_warnings(city: City, problems: Problems) -> None:
    """Open findings and warnings belong to their community's page."""
    by_code = {c.code: c for c in city.communities}
    for p in problems.items:
        if p.community in by_code and p.severity != ERROR:
            c = by_code[p.community]
            (c.findings if p.severity == FINDING else c.warnings).append(p)

"""What a build redoes: everything (a full build), or a republish of the communities whose folders
changed since the published build (generator/buildcache.py). One object answers every question on
which the two differ — which communities are checked, rendered and indexed, which summaries and
held-back pages are kept, what the site has afterwards — so generator/build.py reads straight down."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import buildcache, heldback
from generator.buildcache import Plan
from generator.model import City, HeldBack
from generator.site import search, urls
from generator.site.fill import DocumentHashes

# A page or file of one district: its own and its streets' pages (d/, s/), their rollout and 督办
# pages and lists. Codes begin with their district's six digits.
_AREA_PAGE = re.compile(r"(?:rollout/|supervision/)?[ds]/([0-9]{6})")


@dataclass
class Scope:
    """What a build redoes: everything (a full build), or a republish of the communities whose
    folders changed. Owns what differs between the two, so the pipeline reads straight down."""

    plan: Plan | None  # None: a full build
    last: buildcache.State | None  # what the published site was built from (also read by a full build)
    summaries: buildcache.Summaries  # code → summary, of the published site
    held: dict[str, HeldBack] = field(default_factory=dict)  # communities held back by this build

    @property
    def full(self) -> bool:
        return self.plan is None

    @property
    def checked(self) -> set[str] | None:
        """The community folders to check: all, or the changed ones."""
        return None if self.plan is None else set(self.plan.changed)

    def checking(self) -> str:
        """What the progress line says while checking."""
        if self.plan is None:
            return "检查数据 checking the data"
        n = len(self.plan.changed)
        return f"检查有变化的 {n} 个社区 checking the {n} changed communities"

    def known_city_tables(self) -> dict | None:
        """The city tables' schema check of the published build, reused by a republish (the
        city's files are unchanged, or it would be a full build)."""
        return None if self.plan is None else self.plan.previous.city_tables

    def history_of(self, rendered: set[str]) -> set[str] | None:
        """Whose history a build reads again: everyone's (None) in a full build."""
        return None if self.plan is None else rendered

    def districts_changed(self) -> set[str] | None:
        """The districts whose summaries the cache writes again: all (None) in a full build."""
        return None if self.plan is None else {code[:6] for code in self.plan.changed}

    @property
    def republished(self) -> frozenset[str] | None:
        """The communities a republish redoes; None for a full build."""
        return None if self.plan is None else self.plan.changed

    def unchanged(self, city: City) -> set[str]:
        """The communities a republish takes from the published site as they are (none in a full build)."""
        return set() if self.plan is None else {c.code for c in city.communities} - set(self.plan.changed)

    def kept_pages(self) -> set[str]:
        """Held-back communities whose last good pages stay published (not rendered again)."""
        return {code for code, h in self.held.items() if h.published}

    def rendered(self, city: City) -> set[str]:
        """The communities whose pages this build renders."""
        codes = {c.code for c in city.communities} if self.plan is None else set(self.plan.changed)
        return codes - self.kept_pages()

    def previously_held(self, code: str) -> HeldBack | None:
        return self.last.held.get(code) if self.last is not None else None

    def was_published(self, code: str, site: Path) -> bool:
        """Whether the site has good pages of this community that a hold can keep."""
        before = self.previously_held(code)
        return (self.last is not None and code in self.summaries and (before is None or before.published)
                and (site / urls.community(code) / "index.html").is_file())

    def hold(self, city: City, errors_of: dict[str, list], site: Path) -> None:
        """Hold back, after this build, the communities checked now with data errors, and (in a
        republish) those held before and not changed since."""
        held = {}
        for code, errors in errors_of.items():
            before = self.previously_held(code)
            since = before.since if before is not None else city.as_of
            held[code] = heldback.held_back(errors, since, self.was_published(code, site))
        if self.last is not None:
            unchanged = self.unchanged(city)
            held |= {code: h for code, h in self.last.held.items() if code in unchanged}
        self.held = held
        if self.full and self.last is not None:  # of the published build, it needs only what it keeps
            self.last = self.last.only(self.kept_pages())

    def held_in(self, city: City) -> dict[str, HeldBack]:
        """The communities of the city held back after this build, for the next."""
        present = {c.code for c in city.communities}
        return {code: h for code, h in sorted(self.held.items()) if code in present}

    def compose(self, city: City, checked: dict[str, str]) -> dict[str, str] | None:
        """Put in the city what it publishes of each community: the model just checked; the summary
        of the published site for a community not checked again (a republish) or held back with good
        pages; only its row for one held back that never published. Returns the hashes of every
        file the published pages were made from, as a full build would have them; None when a
        summary is missing."""
        kept, unchanged = self.kept_pages(), self.unchanged(city)
        for street in city.streets:
            merged = []
            for community in street.communities:
                code = community.code
                held = self.held.get(code)
                if held is not None and not held.published:
                    community = heldback.bare(community)
                elif code in kept or code in unchanged:
                    if code not in self.summaries:
                        return None
                    community = dataclasses.replace(self.summaries[code])
                merged.append(dataclasses.replace(community, held=held))
            street.communities = merged
        previous = self.last.hashes if self.last is not None else {}
        taken, held = unchanged | kept, set(self.held)
        fresh = {rel: sha for rel, sha in checked.items() if not buildcache.under(rel, held)}
        return ({rel: sha for rel, sha in previous.items() if buildcache.under(rel, taken)}
                | {rel: sha for rel, sha in fresh.items() if not buildcache.under(rel, unchanged)})

    def page_paths(self, rendered: set[str], pages) -> list[str]:
        """Every generated page the site has after this build."""
        made = {p.path for p in pages}
        if self.full:
            before = self.last.paths if self.last is not None else []
            return sorted(made | {p for p in before if buildcache.under(p, self.kept_pages())})
        kept = {p for p in self.plan.previous.paths if not buildcache.under(p, rendered)}
        return sorted(kept | made)

    def first_pages(self, pages, rendered: set[str]) -> tuple[list, list]:
        """(pages rendered first, the others). A republish renders its communities' pages first:
        theirs are the only search documents it can change (the city's pages are found by the
        names of districts and streets, city files a republish never changes), so the bundles
        holding them are indexed while the city's pages render. A full build: all at once."""
        if self.full:
            return [], pages
        own = [p for p in pages if buildcache.under(p.path, rendered)]
        return own, [p for p in pages if not buildcache.under(p.path, rendered)]

    def restampable(self, pages) -> list:
        """A republish's pages of the districts it does not change (their district, street,
        rollout and 督办 pages): made only from their district's communities and the city's files,
        they are the published ones but for the city's version in their footer, and are copied
        with the new one rather than rendered (fill.restamp). None in a full build, or when the
        published build's version is not known."""
        if not self.published_version:
            return []
        return [p for p in pages if self.of_unchanged_district(p.path)]

    @property
    def published_version(self) -> str:
        """The city's data version the published pages carry, which a republish replaces; "" in a
        full build, or when the build cache does not know it."""
        return "" if self.full else getattr(self.last, "version", "")

    def of_unchanged_district(self, path: str) -> bool:
        """Whether a page or file (a path from the site's root) is one of a district's that this
        republish does not change: its pages (restampable), its rollout and 督办 lists' CSVs and
        its findings feed, which the site keeps as published. Never in a full build."""
        if self.full:
            return False
        m = _AREA_PAGE.match(path)
        return m is not None and m[1] not in self.districts_changed()

    def present_documents(self, rendered: set[str]) -> dict[str, dict[str, str]]:
        """The search documents of the published build still in the build cache (a republish: all
        but the re-rendered communities', removed before rendering); none in a full build."""
        if self.full:
            return {}
        return {bundle: {path: sha for path, sha in docs.items() if not buildcache.under(path, rendered)}
                for bundle, docs in self.plan.previous.documents.items()}

    def documents(self, rendered: set[str], pages, hashes: DocumentHashes) -> dict[str, dict[str, str]]:
        """bundle → page path → sha256 of its search document, for the whole published site."""
        made = {p.path for p in pages}
        found: dict[str, dict[str, str]] = {}
        before = self.last.documents if self.last is not None else {}
        kept = self.kept_pages()
        for bundle, docs in before.items():
            found[bundle] = {path: sha for path, sha in docs.items() if path not in made and (
                buildcache.under(path, kept) if self.full else not buildcache.under(path, rendered))}
        for bundle, path, sha in hashes:
            found.setdefault(bundle, {})[path] = sha
        # Sorted by path alone (paths are unique): ~100,000 string comparisons, not tuple ones.
        return {bundle: {path: docs[path] for path in sorted(docs)} for bundle, docs in sorted(found.items()) if docs}

    def search_shards(self, documents: dict[str, dict[str, str]], site: Path):
        """The search bundles after this build (search.shard_plan), those to index (every one in a
        full build; in a republish, those whose documents changed) and the names of the bundles to
        index or to remove."""
        plan = search.shard_plan(documents)
        before = None if self.full else search.shard_plan(self.plan.previous.documents, known=(documents, plan))
        shards = search.shards_to_index(plan, before, site)
        return plan, shards, [s.name for s in shards] + sorted(set(before or {}) - set(plan))

    def as_of_moved(self, city: City, published: tuple | None) -> bool:
        """Whether a republish moved the city's "as of" (a record dated after it: assemble._as_of),
        which every community's pages are computed against (overdue rectifications, projects'
        status), so that only a full build equals a full build. Unknown (no sheets kept): moved."""
        return self.plan is not None and (published is None or published[0] != city.as_of)

    def known_sheets(self, city: City, published: tuple | None) -> dict:
        """The /verify/ sheets a republish takes from the published build (buildcache.sheets): its
        unchanged communities', when the data's date that every stamp carries has not moved."""
        if self.plan is None or published is None or published[0] != city.as_of:
            return {}
        sheets = published[1]
        return {code: sheets[code] for code in self.unchanged(city) if code in sheets}

    def summaries_after(self, city: City, rendered: set[str]) -> dict:
        """Every community's summary after this build: the re-rendered ones made again, a held-back
        one's last good one kept."""
        return {c.code: buildcache.summary(c) if c.code in rendered else self.summaries[c.code]
                for c in city.communities}

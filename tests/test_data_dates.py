"""One date for the data (issue 17): "as of" is never earlier than a record the site shows, and the
footer's date is the last commit of the data files, not of the repository around them."""

from __future__ import annotations

import datetime
import os
import re
import subprocess

from generator.gather import validate_city
from generator.version import data_version
from tests.conftest import community_with_committee

LATE = datetime.date(2025, 6, 9)  # after every date in the demo data


def _drop_as_of(data) -> None:
    city = data / "city.yaml"
    city.write_text(re.sub(r"(?m)^as_of: .*\n", "", city.read_text(encoding="utf-8")), encoding="utf-8")


def _shown(community) -> list[datetime.date]:
    """Every record date on a community's pages, gathered independently of assemble.py."""
    dates = list(community.rollout.values())
    for p in community.periods:
        dates += [p.published_on, p.reviewed_on, *(line.date for line in p.lines)]
    dates += [r.date for r in community.reports]
    dates += [d for o in community.opinions for d in (o.received_on, o.answered_on)]
    dates += [e.held_on for e in community.evaluations]
    dates += [d for r in community.rectifications for d in (r.found_on, r.closed_on)]
    if community.committee is not None:
        dates.append(community.committee.elected_on)
    return [d for d in dates if d is not None]


def test_as_of_is_never_earlier_than_a_record_the_site_shows(data_copy):
    _drop_as_of(data_copy)
    code = community_with_committee(data_copy)
    reports = data_copy / "communities" / code / "reports"
    first = sorted(reports.glob("*.md"))[0]
    text = re.sub(r'(?m)^date: .*$', f'date: "{LATE.isoformat()}"', first.read_text(encoding="utf-8"), count=1)
    (reports / f"{LATE.isoformat()}-late-meeting.md").write_text(text, encoding="utf-8")

    result = validate_city(data_copy)
    assert result.ok, [p.en for p in result.problems.errors][:5]
    city = result.city
    latest = max(d for c in city.communities for d in _shown(c))
    assert latest == LATE  # the report counts: a record the site shows
    assert city.as_of == LATE


def test_as_of_set_in_city_yaml_wins(data_copy):
    result = validate_city(data_copy)
    assert result.city.as_of == datetime.date(2025, 1, 31)


def _git(repo, *args, date: str | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid")
    if date:
        env |= {"GIT_AUTHOR_DATE": f"{date}T12:00:00+08:00", "GIT_COMMITTER_DATE": f"{date}T12:00:00+08:00"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)


def test_footer_date_is_the_last_commit_of_the_data_files(data_copy):
    # A city repository: the data folder is the repository's root, beside its README and CI files.
    _git(data_copy, "init", "-q")
    _git(data_copy, "add", "-A")
    _git(data_copy, "commit", "-qm", "data", date="2025-02-03")
    (data_copy / "README.md").write_text("# 说明\n", encoding="utf-8")
    (data_copy / ".gitlab-ci.yml").write_text("stages: [validate]\n", encoding="utf-8")
    _git(data_copy, "add", "-A")
    _git(data_copy, "commit", "-qm", "engine upgrade", date="2025-03-04")

    assert data_version(data_copy, "0123456789", datetime.date(2025, 1, 31)) == "01234567 · 2025-02-03"

    code = community_with_committee(data_copy)
    members = data_copy / "communities" / code / "members.csv"
    members.write_text(members.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _git(data_copy, "commit", "-qam", "members", date="2025-04-05")
    assert data_version(data_copy, "0123456789", datetime.date(2025, 1, 31)) == "01234567 · 2025-04-05"


def test_footer_date_falls_back_to_as_of_outside_git(data_copy):
    assert data_version(data_copy, "0123456789", datetime.date(2025, 1, 31)) == "01234567 · 2025-01-31"


def test_a_record_newer_than_the_written_as_of_moves_it(data_copy):
    # city.yaml says 2025-01-31; a report dated later (an upload) must not show on a site "as of" January.
    code = community_with_committee(data_copy)
    reports = data_copy / "communities" / code / "reports"
    first = sorted(reports.glob("*.md"))[0]
    text = re.sub(r'(?m)^date: .*$', f'date: "{LATE.isoformat()}"', first.read_text(encoding="utf-8"), count=1)
    (reports / f"{LATE.isoformat()}-late-meeting.md").write_text(text, encoding="utf-8")
    result = validate_city(data_copy)
    assert result.ok, [p.en for p in result.problems.errors][:5]
    assert result.city.as_of == LATE
    assert max(d for c in result.city.communities for d in _shown(c)) <= result.city.as_of


def test_a_rollout_date_after_the_written_as_of_is_still_refused(data_copy):
    rollout = data_copy / "rollout.csv"
    lines = rollout.read_text(encoding="utf-8").splitlines()
    lines[1] = re.sub(r",[0-9]{4}-[0-9]{2}-[0-9]{2},", f",{LATE.isoformat()},", lines[1], count=1)
    rollout.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate_city(data_copy)
    assert result.city is None or result.city.as_of == datetime.date(2025, 1, 31)
    assert "rollout-future" in {p.code for p in result.problems.errors}

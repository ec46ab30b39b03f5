"""Democratic evaluation: the whole body is shown by 满意/基本满意/不满意, members by 优秀…不称职."""

from __future__ import annotations

import csv
import io

from tests.conftest import DATA, read_csv_rows


def _community_with_whole_body_rating() -> tuple[str, dict, list[dict]]:
    for folder in sorted((DATA / "communities").iterdir()):
        path = folder / "evaluations.csv"
        if path.exists():
            rows = read_csv_rows(path)
            whole = [r for r in rows if r.get("satisfied")]
            if whole:
                return folder.name, whole[0], [r for r in rows if not r.get("satisfied")]
    raise AssertionError("the demo city has no whole-body evaluation")


def test_whole_body_rating_has_its_own_table(built_site):
    code, whole, members = _community_with_whole_body_rating()
    html = (built_site / "c" / code / "index.html").read_text(encoding="utf-8")
    section = html.split('id="evaluation"', 1)[1]
    whole_table = section.split("居民委员会整体（票数）", 1)[1].split("</table>", 1)[0]
    assert f'<td data-label="满意">{whole["satisfied"]}</td>' in whole_table
    assert f'<td data-label="不满意">{whole["dissatisfied"]}</td>' in whole_table
    member_table = section.split("居民委员会成员（票数）", 1)[1].split("</table>", 1)[0]
    assert whole["evaluated"] not in member_table
    for member in members:
        assert member["evaluated"] in member_table


def test_downloads_carry_whole_body_columns(built_site):
    code, whole, _ = _community_with_whole_body_rating()
    text = (built_site / "c" / code / "data" / "evaluations.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["evaluated"] == whole["evaluated"])
    assert (row["satisfied"], row["basically_satisfied"], row["dissatisfied"]) == (
        whole["satisfied"], whole["basically_satisfied"], whole["dissatisfied"])

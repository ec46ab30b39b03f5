"""The pipeline, top to bottom: load and check everything, then write; swap only when complete."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator.config import BuildPaths
from generator.problems import JuwuError, Problems
from generator.site import shell as shells
from generator.site import fill, search, write
from generator.site.downloads import published_files
from generator.site.pages import site_pages
from generator.site.sitemap import sitemap_xml
from generator.validate import validate_city
from generator.version import data_version

Progress = Callable[[str, str], None]  # (stage, message)


@dataclass
class BuildResult:
    problems: Problems
    built: bool = False
    pages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    version: str = ""
    search: search.IndexStats | None = None


def build(paths: BuildPaths, progress: Progress = lambda stage, msg: None) -> BuildResult:
    timer = _Timer()
    progress("validate", "检查数据 checking the data")
    validation = validate_city(paths.data)
    timer.lap("validate")
    result = BuildResult(validation.problems, seconds=timer.laps)
    if not validation.ok or validation.city is None:
        return result
    city = validation.city
    version = data_version(paths.data, validation.digest, city.as_of)

    pages = site_pages(city)
    depths = {page.path.count("/") for page in pages}

    progress("mkdocs", "MkDocs 构建主题 building the theme with MkDocs")
    if paths.city_content is not None:
        write.merge_docs(paths.content, paths.city_content, paths.docs)
    write.write_content(paths.docs, shells.shell_sources(depths))
    stage = write.staging_dir(paths.site)
    try:
        _mkdocs_build(paths, stage, city.settings.name, city.settings.site_url, version)
        timer.lap("mkdocs")
        progress("generate", f"生成 {len(pages)} 个页面 rendering {len(pages)} pages")
        _fill_pages(stage, pages)
        write.remove(stage, "_shell")
        write.write_file(stage, "sitemap.xml", sitemap_xml(city.settings.site_url, [p.path for p in pages]))
        write.remove(stage, "sitemap.xml.gz")
        timer.lap("generate")
        progress("downloads", "写入下载文件和订阅 writing downloads and feeds")
        for rel, data in published_files(city, version).items():
            write.write_file(stage, rel, data)
        timer.lap("downloads")
        progress("search", "生成搜索索引 indexing for search")
        districts = [(d.code, d.name) for d in city.districts]
        result.search = search.index_site(stage, search.bundles([code for code, _ in districts]))
        write.write_file(stage, f"{search.BUNDLE}/districts.json", search.districts_json(districts))
        timer.lap("search")
        write.swap(stage, paths.site)
    except BaseException:
        write.discard(stage)
        raise
    result.built, result.pages, result.version = True, len(pages), version
    return result


def _fill_pages(stage: Path, pages) -> None:
    fill.fill_pages(stage, pages)  # render, fill into the shells and write, on every core


def _mkdocs_build(paths: BuildPaths, stage: Path, site_name: str, site_url: str, version: str) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # MkDocs stamps the sitemap with the build date unless this is set: keep builds byte-identical.
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(str(paths.mkdocs_yml), site_dir=str(stage), docs_dir=str(paths.docs),
                             site_name=site_name, site_url=site_url,
                             extra={"data_version": version, "generator": False})
        mkdocs_build(config)
    except (MkDocsException, SystemExit) as exc:
        raise JuwuError(f"MkDocs 构建失败：{exc}", f"MkDocs build failed: {exc}") from None


class _Timer:
    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 3)
        self.last = now

"""write.write_file: one exclusive create for a new file; folders made and old files replaced
(unlinked, never written through) only when needed."""

from __future__ import annotations

import os

from generator.site import write


def test_new_file_in_new_folders(tmp_path):
    write.write_file(tmp_path, "a/b/c/index.html", "居务 <p>\n")
    assert (tmp_path / "a/b/c/index.html").read_bytes() == "居务 <p>\n".encode("utf-8")
    write.write_file(tmp_path, "a/b/d.json", b"\x00\x01")
    assert (tmp_path / "a/b/d.json").read_bytes() == b"\x00\x01"


def test_existing_file_replaced_not_overwritten_in_place(tmp_path):
    first = tmp_path / "site/index.html"
    first.parent.mkdir()
    first.write_text("old")
    os.link(first, tmp_path / "published.html")  # the same file linked elsewhere
    write.write_file(tmp_path, "site/index.html", "new")
    assert first.read_text() == "new"
    assert (tmp_path / "published.html").read_text() == "old"


def test_symlink_replaced_never_written_through(tmp_path):
    target = tmp_path / "outside.txt"
    target.write_text("keep")
    (tmp_path / "site").mkdir()
    os.symlink(target, tmp_path / "site/x.html")
    os.symlink(tmp_path / "nowhere", tmp_path / "site/y.html")  # dangling
    write.write_file(tmp_path, "site/x.html", "page")
    write.write_file(tmp_path, "site/y.html", "page")
    assert target.read_text() == "keep" and not (tmp_path / "nowhere").exists()
    assert not os.path.islink(tmp_path / "site/x.html") and (tmp_path / "site/x.html").read_text() == "page"
    assert (tmp_path / "site/y.html").read_text() == "page"


def test_large_file_written_whole(tmp_path):
    data = os.urandom(3 * 1024 * 1024)
    write.write_file(tmp_path, "big.bin", data)
    assert (tmp_path / "big.bin").read_bytes() == data

"""A city's own data repository: `juwu init`, `juwu add-community`, ownership and changed-only checks.

The demo city lives in Juwu's repository; a real city keeps its data in a repository of its own,
where each committee (or its street office) commits its folder and a reviewer merges. This package
writes and maintains the files such a repository needs beside the data: the clerks' README, the
pre-commit and CI configuration, owners.csv → CODEOWNERS, and it finds which communities a commit
touches so that checks before a commit stay fast in a city of 5,000 communities.
"""

from generator.problems import JuwuError


class CityRepoError(JuwuError):
    """Something a city repository command refuses to do, said in Chinese and English."""

    code = "city-repository"

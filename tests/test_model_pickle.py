"""The model's slotted dataclasses are pickled as their class and field values (model.pickled_by_fields):
the checking processes send a city's models to the build this way, and the build cache keeps
summaries. What comes back must be what went in, and what an earlier version pickled must still load."""

from __future__ import annotations

import copyreg
import dataclasses
import inspect
import io
import pickle

import pytest

from generator import model
from generator.gather import validate_city
from tests.conftest import DATA

SLOTTED = [cls for _, cls in inspect.getmembers(model, inspect.isclass)
           if dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__ and "__slots__" in cls.__dict__]


def instances(city) -> dict[type, list]:
    """Every instance of the slotted model classes reachable from the city's communities."""
    found: dict[type, list] = {cls: [] for cls in SLOTTED}
    seen: set[int] = set()

    def walk(value):
        if id(value) in seen:
            return
        seen.add(id(value))
        if type(value) in found:
            found[type(value)].append(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for community in city.communities:
        walk(community)
    return found


@pytest.fixture(scope="module")
def demo_instances():
    return instances(validate_city(DATA).city)


def test_every_slotted_model_class_is_pickled_by_its_fields():
    assert len(SLOTTED) >= 10
    for cls in SLOTTED:
        assert "__reduce__" in cls.__dict__, cls.__name__


def test_the_demo_citys_models_come_back_equal(demo_instances):
    for cls, objects in demo_instances.items():
        if cls in (model.LedgerLine, model.Period, model.Member, model.Report):
            assert objects, f"the demo city has no {cls.__name__}"
        for obj in objects:
            reduced = obj.__reduce__()
            assert reduced[0] is cls and isinstance(reduced[1], tuple) and len(reduced[1]) == len(dataclasses.fields(cls))
            again = pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
            assert type(again) is cls and again == obj


class _AsBefore(pickle.Pickler):
    """Pickles slotted dataclasses the way Python does without pickled_by_fields (0.8.0's caches)."""

    made = 0

    def reducer_override(self, obj):
        if type(obj) in SLOTTED:
            self.made += 1
            return copyreg.__newobj__, (type(obj),), obj.__getstate__()
        return NotImplemented


def test_models_pickled_by_an_earlier_version_still_load(demo_instances):
    # A full build reads the summaries of held-back communities from the last build's cache.
    objects = [obj for found in demo_instances.values() for obj in found[:20]]
    buffer = io.BytesIO()
    before = _AsBefore(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    before.dump(objects)
    assert before.made >= len(objects)
    assert pickle.loads(buffer.getvalue()) == objects


def test_a_class_it_cannot_rebuild_from_its_fields_is_refused():
    @dataclasses.dataclass(slots=True)
    class Derived:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError):
        model.pickled_by_fields(Derived)

    @dataclasses.dataclass(slots=True)
    class Checked:
        a: int
        b: int

        def __post_init__(self):
            self.b = self.a

    with pytest.raises(TypeError):
        model.pickled_by_fields(Checked)

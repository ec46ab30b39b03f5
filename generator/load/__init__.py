"""Reading the data folder: the only code that reads data/."""

from generator.load.city import load_city

__all__ = ["load_city"]

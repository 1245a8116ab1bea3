"""The demo clinic: a deterministic, clearly fictitious practice built around today."""

from .build import DEMO_PASSWORD, DemoSize, build_demo, demo_zone, is_demo_clinic, is_empty

__all__ = ["DEMO_PASSWORD", "DemoSize", "build_demo", "demo_zone", "is_demo_clinic", "is_empty"]

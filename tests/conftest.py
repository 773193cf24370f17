"""Shared test settings: hypothesis runs derandomised so CI failures reproduce."""

from hypothesis import settings

settings.register_profile("momentum", deadline=None, derandomize=True, database=None, max_examples=150)
settings.load_profile("momentum")

"""The isolation tests' workspace A, with an object of every kind that has a URL, is the one the
language tests walk: a page registered there is walked here too."""

from tests.security.test_isolation import objects_of_a  # noqa: F401  (a fixture)

"""Imports of time-tracker exports (Toggl Track, Clockify, Harvest) as work sessions."""

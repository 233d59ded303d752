"""Who the demo workspace's people are. `seed_demo` creates them; the login page names them in
development so a newcomer can get in without reading the terminal."""

from __future__ import annotations

from .models import Role

DEMO_SLUG = "demo"
DEMO_PASSWORD = "clientwise-demo"
DEMO_OWNER = ("ana@demo.clientwise.example", "Ana Ribeiro")
DEMO_MEMBERS = [
    ("bruno@demo.clientwise.example", Role.MANAGER, "Bruno Costa"),
    ("carla@demo.clientwise.example", Role.MEMBER, "Carla Méndez"),
]

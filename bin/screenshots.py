"""Take the README's screenshots (docs/screenshots/) from the demo workspace: `make screenshots`.

Builds the demo as `make run` does, in a throwaway SQLite database, serves it on a free port,
and drives Debian's Chromium through Playwright. The database and the server are gone
afterwards, whatever happened; a developer's own db.sqlite3 is never opened.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# The top of a desktop page: tall enough to show what a page is about, short enough to read
# in a README.
DESKTOP_CLIP_HEIGHT = 900
# The demo's situations that show the most: a client with a suggestion, a review half-way.
CLIENT = "Meridian Capital"
REVIEW_CLIENT = "Grupo Vértice"


def demo_build(database: Path) -> dict[str, str]:
    """Migrate and seed a fresh database; return the environment the server must run with."""
    # Set before Django reads its settings, over whatever the developer's shell exports.
    server_env = os.environ | {
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASK_BACKEND": "immediate",
        "EMAIL_URL": "consolemail://",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(server_env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo")
    call_command("seed_demo_reviews")
    connections.close_all()
    return server_env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_wait(server: subprocess.Popen, url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped (status {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")


def shoot(page, name: str, *, clip_height: int | None = DESKTOP_CLIP_HEIGHT) -> None:
    """Save the page as it stands once HTMX is done: its top `clip_height` pixels, or the
    viewport."""
    page.wait_for_load_state("networkidle")
    path = OUT / f"{name}.png"
    if clip_height is None:
        page.screenshot(path=path)
    else:
        height = min(clip_height, page.evaluate("document.documentElement.scrollHeight"))
        width = page.viewport_size["width"]
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=path, full_page=True, clip=clip)
    print(f"  {path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


def visit(page, url: str) -> None:
    response = page.goto(url)
    if response is None or response.status != 200:
        raise RuntimeError(f"{url} answered {response.status if response else 'nothing'}")


def screenshots_take(base_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    from accounts.demo import DEMO_OWNER, DEMO_PASSWORD, DEMO_SLUG

    home = f"{base_url}/w/{DEMO_SLUG}/"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            desktop = browser.new_context(viewport=DESKTOP, locale="en-GB", color_scheme="light")
            page = desktop.new_page()
            page.set_default_timeout(15_000)
            visit(page, f"{base_url}/accounts/login/")
            page.fill("#id_username", DEMO_OWNER[0])
            page.fill("#id_password", DEMO_PASSWORD)
            # Enter, not a click: the page's first submit button is the language switcher.
            page.keyboard.press("Enter")
            page.wait_for_url(home)
            visit(page, home)  # again, without the welcome message
            # Nothing focused, so that no caret or open type-ahead shows.
            page.evaluate("document.activeElement.blur()")
            shoot(page, "today")

            visit(page, f"{home}portfolio/")
            # Down to the end of the map: the page's picture of the whole portfolio.
            page.wait_for_load_state("networkidle")
            box = page.locator("figure.portfolio-map").bounding_box()
            shoot(page, "portfolio", clip_height=round(box["y"] + box["height"] + 12))

            visit(page, f"{home}clients/?q={CLIENT}")
            page.get_by_role("link", name=CLIENT, exact=True).first.click()
            page.wait_for_load_state("networkidle")
            expect(page.locator("#health-panel #health-title")).to_be_visible()
            shoot(page, "client")

            visit(page, home)
            page.get_by_role("link", name=f"Finish your review of {REVIEW_CLIENT}").click()
            # The step with its answers given, rather than the empty one it resumes at.
            page.get_by_role("link", name="2. How it feels").click()
            page.wait_for_url("**/step/2/")
            shoot(page, "review")

            phone = browser.new_context(viewport=PHONE, locale="en-GB", color_scheme="light")
            phone.add_cookies(desktop.cookies())
            page = phone.new_page()
            page.set_default_timeout(15_000)
            visit(page, home)
            page.evaluate("document.activeElement.blur()")
            shoot(page, "phone-quick-log", clip_height=None)
        finally:
            browser.close()


def main() -> int:
    if not os.path.exists(CHROMIUM):
        print(f"Chromium not found at {CHROMIUM} (apt install chromium).", file=sys.stderr)
        return 1
    # A stopped `make` sends SIGTERM: leave through the clean-ups below, as on any failure.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="clientwise-screenshots-") as scratch:
        scratch = Path(scratch)
        env = demo_build(scratch / "demo.sqlite3")
        port = free_port()
        log = scratch / "server.log"
        with log.open("w") as output:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            base_url = f"http://127.0.0.1:{port}"
            server_wait(server, f"{base_url}/healthz")
            print(f"Screenshots of the demo, served at {base_url}:")
            screenshots_take(base_url)
        except Exception:
            print(f"The server's log:\n{log.read_text()[-3000:]}", file=sys.stderr)
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What a phone user would notice, measured in the page: whether it scrolls sideways, and which
links and buttons are smaller than a thumb's target (WCAG 2.2, 2.5.8: 24 × 24 CSS pixels)."""

from __future__ import annotations

from playwright.sync_api import Page

MIN_TARGET = 24

# Every link and button a person can reach in the page's main part (the SVG map's bubbles are
# sized by the map itself, and an invisible element is not a target).
_TARGETS = """() => [...document.querySelectorAll(
    'main a[href], main button, main summary, main input[type=submit], main [role=button]')]
  .filter(e => !e.closest('svg') && !e.closest('.visually-hidden'))
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
                 && getComputedStyle(e).visibility !== 'hidden'; })
  .map(e => { const r = e.getBoundingClientRect();
              const text = e.innerText || e.getAttribute('aria-label') || e.outerHTML;
              return {text: text.trim().slice(0, 60),
                      width: Math.round(r.width), height: Math.round(r.height)}; })"""


def sideways_overflow(page: Page) -> int:
    """How many pixels the page scrolls sideways (0 or less: it does not)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def small_targets(page: Page) -> list[dict]:
    """The targets under 24 × 24 px, with every disclosure of the page opened: what a tap away
    shows counts too."""
    page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    targets = page.evaluate(_TARGETS)
    return [t for t in targets if t["width"] < MIN_TARGET or t["height"] < MIN_TARGET]

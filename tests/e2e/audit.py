"""What a page offers and how it is drawn, measured in the page itself: the controls that would
change something (for a read-only member there must be none), and what is cut off on a phone."""

from __future__ import annotations

from playwright.sync_api import Page

# Forms anyone may post, even a viewer: the language, logging out, and their own email
# preferences for the workspace (digest and follow-up emails, a personal setting).
PERSONAL_ACTIONS = r"^/language/$|^/accounts/logout/$|^/w/[^/]+/digest/$"

# Pages of the workspace that exist only to change something: a link to one is a way to write.
# (Creating a workspace of one's own, /workspaces/new/, changes nothing of this one.)
WRITING_PAGES = r"^/w/[^/]+/(.*/)?(edit|new|review|hand-over|departure|delete|restore|imports)/"

_WRITING_CONTROLS = """([personal, writingPages]) => {
  const personalRe = new RegExp(personal), writing = new RegExp(writingPages);
  const where = e => (e.id ? '#' + e.id : e.tagName.toLowerCase()) + ' '
    + (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 40);
  const path = url => new URL(url, location.href).pathname;
  const found = [];
  for (const form of document.forms) {
    const method = (form.getAttribute('method') || 'get').toLowerCase();
    if (method !== 'get' && !personalRe.test(path(form.action)))
      found.push('a form posting to ' + path(form.action));
  }
  for (const e of document.querySelectorAll('[hx-post],[hx-put],[hx-patch],[hx-delete]'))
    found.push('an htmx write: ' + where(e));
  const submits = 'button[type=submit], button:not([type]), input[type=submit]';
  for (const b of document.querySelectorAll(submits)) {
    if (b.disabled || !b.form) continue;
    const method = (b.form.getAttribute('method') || 'get').toLowerCase();
    if (method !== 'get' && !personalRe.test(path(b.form.action)))
      found.push('an enabled submit button: ' + where(b));
  }
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (href === '#quick-log' || (!href.startsWith('#') && writing.test(path(a.href))))
      found.push('a link to ' + href);
  }
  if (document.getElementById('quick-log')) found.push('the quick log');
  return found;
}"""


def writing_controls(page: Page) -> list[str]:
    """Every control of the page that would change data, in words."""
    return page.evaluate(_WRITING_CONTROLS, [PERSONAL_ACTIONS, WRITING_PAGES])


# Visible elements that stick out of the screen sideways where nothing scrolls to them (a row
# that scrolls by itself, like the sections or a wide table, is not cut off), and boxes that clip
# their own text without saying so (an ellipsis is a deliberate shortening). Only the outermost
# offender is named: its children stick out with it.
_CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    return false;
  };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim()
       ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const hidden = e => e.closest('.visually-hidden, .visually-hidden-focusable, [hidden], svg');
  const found = [], named = new Set();
  for (const e of document.querySelectorAll('body *')) {
    if (hidden(e)) continue;
    if (!e.checkVisibility({visibilityProperty: true})) continue;  // e.g. in a closed <details>
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    if (r.width === 0 || r.height === 0) continue;
    const outside = (r.right > width + 1 || r.left < -1) && !scrolls(e);
    const clipsText = ['hidden', 'clip'].includes(s.overflowX) && s.textOverflow !== 'ellipsis'
      && e.scrollWidth > e.clientWidth + 1 && e.innerText.trim() !== '';
    if (!outside && !clipsText) continue;
    named.add(e);
    if (named.has(e.parentElement)) continue;
    found.push({element: name(e), text: (e.innerText || '').trim().slice(0, 60),
                left: Math.round(r.left), right: Math.round(r.right),
                why: outside ? 'outside the screen' : 'text clipped'});
  }
  return found;
}"""


def cut_off(page: Page) -> list[dict]:
    """What is cut off as the page comes, then with every disclosure of its main part opened
    (what a tap away shows counts too)."""
    found = page.evaluate(_CUT_OFF)
    page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    return found + [item for item in page.evaluate(_CUT_OFF) if item not in found]

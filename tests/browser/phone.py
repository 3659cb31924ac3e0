"""One check that a page fits a phone, shared by the browser tests.

Chromium lays the page out again after a viewport change on its next frames, so the check waits two
animation frames before it measures (measuring at once read the desktop layout now and then, and failed on
CI). It measures again for up to two seconds before it fails. When the page is wider than the screen, the message names the elements that reach past its right
edge, so a failure says what to fix.
"""

from __future__ import annotations

PHONE = {"width": 390, "height": 844}

_WIDEST = """() => {
  // the outermost elements that reach past the screen, leaving out what a scrolling box clips (a wide table
  // in its own scroller is allowed)
  const limit = window.innerWidth + 1;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = new Set(Array.from(document.body.querySelectorAll('*')).filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width && r.right > limit && !clipped(el);
  }));
  return Array.from(wide).filter((el) => !wide.has(el.parentElement)).slice(0, 8).map((el) => {
    const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls + ' → ' + Math.round(el.getBoundingClientRect().right) + 'px';
  });
}"""


def settle(page) -> None:
    """Wait until the browser has laid the page out again (two animation frames)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def assert_fits_phone(page, *, size: dict | None = None, what: str = "页面", reload: bool = False) -> None:
    """Resize to a phone (390×844 unless ``size`` says otherwise) and assert nothing reaches past the screen."""
    page.set_viewport_size(size or PHONE)
    if reload:
        page.reload()
    for _ in range(10):  # a real overflow stays; a layout still catching up goes within a few frames
        settle(page)
        width, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width <= screen + 1:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{what}宽 {width}px，超出 {screen}px 的手机屏幕：{page.evaluate(_WIDEST)}")

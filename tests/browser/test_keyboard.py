"""The EOI's shared step filled and saved by keyboard alone (Tab, Shift+Tab, typing, Space, Enter; no click), and
wherever the focus is on the way, a visible focus indicator of at least 3:1 against what is behind it (WCAG
2.4.7, 1.4.11; 2.4.13's outline measured from the computed style)."""

from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Part
from tests.browser.test_csp import signed_in_page
from tests.eoi_content import POSTED, stored

# The focused element, its focus indicator (outline, else a box-shadow ring) and the colour behind it.
FOCUS = """() => {
  const el = document.activeElement;
  const parse = colour => {
    const m = (colour || '').match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const style = getComputedStyle(el);
  let ring = null;
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ring = parse(style.outlineColor);
  else if (style.boxShadow && style.boxShadow !== 'none') ring = parse(style.boxShadow);
  let behind = [255, 255, 255, 1];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour && colour[3] > 0) { behind = colour; break; }
  }
  return {tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', value: el.value || '',
          text: (el.innerText || '').trim().slice(0, 40), classes: el.className, ring, behind};
}"""


def luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(ring, behind):
    """The ring's colour, laid over what is behind it with its alpha, against that background."""
    alpha = ring[3]
    seen = [alpha * ring[i] + (1 - alpha) * behind[i] for i in range(3)]
    lighter, darker = sorted((luminance(seen), luminance(behind)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_problem(focus):
    where = f"<{focus['tag']} name={focus['name']!r} {focus['text']!r} class={focus['classes']!r}>"
    if focus["ring"] is None or focus["ring"][3] == 0:
        return f"{where}: no visible focus indicator"
    ratio = contrast(focus["ring"], focus["behind"])
    return f"{where}: focus indicator {ratio:.2f}:1 (3:1 needed)" if ratio < 3 else ""


def test_the_shared_step_is_filled_and_saved_by_keyboard_alone(browser, portal, eoi, german_contact, screenshot):
    wanted = POSTED[Part.SHARED]
    page = signed_in_page(browser, portal, german_contact)
    page.goto(portal + reverse("applications:edit", kwargs={"pk": eoi.pk, "part": Part.SHARED}))
    problems, typed, went_back = [], set(), False
    for _stop in range(120):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if problem := focus_problem(focus):
            problems.append(problem)
        name = focus["name"]
        if focus["type"] == "checkbox" and name in wanted and focus["value"] in wanted[name]:
            page.keyboard.press("Space")
        elif name in wanted and isinstance(wanted[name], str) and name not in typed:
            page.keyboard.type(wanted[name])
            typed.add(name)
            if not went_back:  # one step back and forth again: what was typed stays
                page.keyboard.press("Shift+Tab")
                page.keyboard.press("Tab")
                went_back = True
        elif focus["tag"] == "button" and focus["type"] == "submit" and not name and "btn-primary" in focus["classes"]:
            screenshot(page, "focus-on-save")
            page.keyboard.press("Enter")
            break
    else:
        raise AssertionError("Tab never reached the Save button")
    page.wait_for_load_state()
    expect(page.locator(".alert").first).to_be_visible()
    eoi.refresh_from_db()
    saved = {field: getattr(eoi, field) for field in wanted}
    expected = stored(Part.SHARED)

    def in_order(values):
        return {name: sorted(value) if isinstance(value, list) else value for name, value in values.items()}

    assert in_order(saved) == in_order(expected)
    assert not problems, "\n".join(problems)

import { expect, type Locator, type Page } from "@playwright/test";

// Keyboard-only driving (issue 14): move focus with keys, and at every stop prove that the user can
// see where focus is. An indicator is an outline (any style but none, non-zero width) or a ring (a
// box-shadow without offset or blur, with a spread and a colour that is not transparent), and it
// must not be there when the same element has no focus: a border a control always has is no sign.

type Look = { outline: string; shadow: string };
type Stop = { name: string; outline: string; shadow: string; before: Look | null; visible: boolean; moved: boolean };

declare global {
  interface Window {
    /** How each focusable element looked before the last key press, while it had no focus. */
    __unfocused?: WeakMap<Element, Look>;
    /** What had focus before the last key press. */
    __lastFocused?: Element | null;
  }
}

/**
 * In the page: waits for transitions (a ring fading in or out) to end so the styles read are the
 * resting ones, then either records how every focusable element looks without focus ("remember",
 * before a key moves the focus) or describes the focused element ("read"). One self-contained
 * function, as evaluate ships its source and the app's CSP forbids building functions from strings.
 */
function inspectFocus(page: Page, mode: "remember" | "read") {
  return page.evaluate(async (mode): Promise<Stop | null> => {
    const transitions = document.getAnimations().filter((a) => a instanceof CSSTransition);
    await Promise.all(transitions.map((a) => a.finished.catch(() => undefined)));
    const lookOf = (el: Element) => {
      const s = getComputedStyle(el);
      return { outline: `${s.outlineStyle} ${s.outlineWidth}`, shadow: s.boxShadow };
    };
    const el = document.activeElement;
    if (mode === "remember") {
      const looks = new WeakMap<Element, Look>();
      for (const other of document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")) {
        if (other !== el) looks.set(other, lookOf(other));
      }
      window.__unfocused = looks;
      window.__lastFocused = el;
      return null;
    }
    if (!el || el === document.body) return null;
    const look = lookOf(el);
    const [outlineStyle, outlineWidth] = look.outline.split(" ");
    const hasOutline = outlineStyle !== "none" && parseFloat(outlineWidth ?? "0") > 0;
    // Split the shadow list on commas outside rgb(…); a ring is "<colour> 0px 0px 0px <spread>".
    const rings = look.shadow.split(/,(?![^(]*\))/).filter((shadow) => {
      const lengths = [...shadow.matchAll(/(-?[\d.]+)px/g)].map((m) => Number(m[1]));
      const alpha = /rgba\([^)]*,\s*([\d.]+)\)/.exec(shadow)?.[1];
      const opaque = alpha === undefined || Number(alpha) > 0;
      return lengths.length >= 4 && lengths[0] === 0 && lengths[1] === 0 && lengths[2] === 0 && lengths[3]! > 0 && opaque;
    });
    const before = window.__unfocused?.get(el) ?? null;
    const changed = !before || before.outline !== look.outline || before.shadow !== look.shadow;
    const text = (el.getAttribute("aria-label") ?? (el as HTMLElement).innerText ?? "").trim().slice(0, 40);
    return {
      name: `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}> ${text}`,
      ...look,
      before,
      visible: (hasOutline || rings.length > 0) && changed,
      moved: el !== window.__lastFocused,
    };
  }, mode);
}

/** Asserts that the focused element shows a visible focus indicator; returns that stop. */
export async function expectVisibleFocus(page: Page) {
  const stop = await inspectFocus(page, "read");
  if (!stop) throw new Error("focus is on the page itself, not on an element");
  const why = `no visible focus indicator on ${stop.name} (outline ${stop.outline}; box-shadow ${stop.shadow}; unfocused ${JSON.stringify(stop.before)})`;
  expect(stop.visible, why).toBe(true);
  return stop;
}

/** Presses `key` and checks the focus indicator where focus lands. */
export async function press(page: Page, key: string) {
  await inspectFocus(page, "remember");
  await page.keyboard.press(key);
  return expectVisibleFocus(page);
}

const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement).catch(() => false);

/** Presses Tab (or `key`) until `target` has focus (no key if it has), checking the indicator at every stop on the way; returns the stops. */
export async function tabTo(page: Page, target: Locator, { key = "Tab", max = 40 } = {}) {
  const path: string[] = [];
  if (await isFocused(target)) return path;
  for (let i = 0; i < max; i++) {
    path.push((await press(page, key)).name);
    if (await isFocused(target)) return path;
  }
  throw new Error(`${key} never reached ${target.toString()} in ${max} stops: ${path.join(" → ")}`);
}

/**
 * Tabs into `group` and onto its radio named `name` as a radio group must work (WAI-ARIA APG):
 * the group is one tab stop, landing on the checked radio, and the arrow keys move the focus and
 * the selection together. A group of buttons that merely look like radios (a Tab stop each, arrows
 * ignored) fails here.
 */
export async function focusRadio(page: Page, group: Locator, name: string | RegExp) {
  const target = group.getByRole("radio", { name });
  const inGroup = () => group.evaluate((el) => el.contains(document.activeElement)).catch(() => false);
  for (let i = 0; i < 40 && !(await inGroup()); i++) await press(page, "Tab");
  const focusedRadio = group.locator("[role=radio]:focus, input[type=radio]:focus");
  await expect(focusedRadio, "Tab lands on the checked radio").toBeChecked();
  const radios = await group.getByRole("radio").count();
  for (let i = 0; i < radios && !(await isFocused(target)); i++) {
    expect((await press(page, "ArrowRight")).moved, "ArrowRight moves the focus to the next radio").toBe(true);
    expect(await inGroup(), "ArrowRight stays in the group").toBe(true);
    await expect(focusedRadio, "ArrowRight checks the radio it moves to").toBeChecked();
  }
  await expect(target).toBeFocused();
  await expect(target).toBeChecked();
  return target;
}

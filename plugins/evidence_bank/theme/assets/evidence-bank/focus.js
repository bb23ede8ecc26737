// The side menu (Material's drawer) and its button, for keyboard users.
// - The header's menu label is swapped for a real button: reachable by Tab, named "Menu", with
//   aria-expanded kept in step with the drawer.
// - On a narrow screen the closed drawer sits off screen: it is made inert, so Tab skips it.
// - Opening the drawer moves the focus into it; Escape, or moving the focus out of it, closes it
//   and (for Escape) puts the focus back on the button.
(() => {
  "use strict";
  const toggle = document.getElementById("__drawer");
  const drawer = document.querySelector(".md-sidebar--primary");
  const label = document.querySelector('label.md-header__button[for="__drawer"]');
  const button = document.querySelector(".eb-menu-button");
  if (!toggle || !drawer || !label || !button) return;
  // Material's own breakpoint: below it the primary sidebar is an off-screen drawer.
  const narrow = window.matchMedia("(max-width: 76.234375em)");

  drawer.id = drawer.id || "eb-drawer";
  button.setAttribute("aria-controls", drawer.id);
  button.hidden = false;
  label.hidden = true;

  // Inside the drawer, a narrow screen shows one panel at a time: the top list, or a section
  // ("Find evidence") slid in over it. A panel that is not shown is inert; the labels that
  // open a panel, and each panel's title that goes back, are made reachable by Tab.
  const panelOf = (box) => box.parentElement.querySelector(":scope > nav");
  const boxes = [...drawer.querySelectorAll("input.md-nav__toggle")].filter(panelOf);
  const openers = [...drawer.querySelectorAll("label.md-nav__link[for]")].filter(
    (el) => !el.getAttribute("tabindex"),
  );
  const backs = [...drawer.querySelectorAll("nav label.md-nav__title[for]")].filter(
    (el) => el.getAttribute("for") !== "__drawer",
  );
  const hiddenWords = (el, text) => {
    const words = document.createElement("span");
    words.className = "eb-visually-hidden";
    words.textContent = text;
    el.insertBefore(words, el.firstChild);
  };
  for (const opener of openers) {
    if (opener.getAttribute("for") === "__toc") hiddenWords(opener, "Sections of this page: ");
  }
  for (const back of backs) hiddenWords(back, "Back from ");

  const walled = new Set();
  const boxOf = (li) => li.querySelector(":scope > input.md-nav__toggle");
  const openAbove = (box) => {
    for (let li = box.parentElement.parentElement.closest("li"); li && drawer.contains(li); ) {
      const above = boxOf(li);
      if (above && !above.checked) return false;
      li = li.parentElement.closest("li");
    }
    return true;
  };
  // The panel a narrow screen shows: the deepest open one whose every outer panel is open too.
  const shownPanel = () => {
    let shown = drawer.querySelector("nav.md-nav--primary");
    let depth = 0;
    for (const box of boxes) {
      if (!box.checked || !openAbove(box)) continue;
      let d = 0;
      for (let el = box; el && el !== drawer; el = el.parentElement) d += el.tagName === "NAV";
      if (d >= depth) [shown, depth] = [panelOf(box), d];
    }
    return shown;
  };

  const update = () => {
    const open = toggle.checked;
    const small = narrow.matches;
    drawer.inert = small && !open;
    button.setAttribute("aria-expanded", String(small && open));
    for (const el of walled) el.inert = false;
    walled.clear();
    for (const box of boxes) panelOf(box).inert = small && !box.checked;
    if (small) {
      // Everything beside the panel in view (and beside each panel it sits in) is under it.
      let node = shownPanel();
      while (node && node !== drawer) {
        for (const sibling of node.parentElement.children) {
          if (sibling !== node && !sibling.inert) {
            sibling.inert = true;
            walled.add(sibling);
          }
        }
        node = node.parentElement;
      }
    }
    for (const label of [...openers, ...backs]) {
      if (small) label.setAttribute("tabindex", "0");
      else label.removeAttribute("tabindex");
    }
  };

  const focusable = (root) =>
    [...root.querySelectorAll("a[href], [tabindex='0'], button, input:not(.md-toggle)")].find(
      (el) => el.getClientRects().length && !el.closest("[inert]"),
    );

  // Enter or Space on a label opens (or leaves) its panel, and the focus follows. (Claimed here,
  // so that Material's own Enter handler does not click the label a second time.)
  drawer.addEventListener("keydown", (event) => {
    const label = event.target;
    if (!(event.key === "Enter" || event.key === " ")) return;
    if (!openers.includes(label) && !backs.includes(label)) return;
    event.preventDefault();
    event.stopPropagation();
    const box = document.getElementById(label.getAttribute("for"));
    if (!box) return;
    box.click();
    update();
    if (box.checked) {
      // The panel's first link (its title, which goes back, is one Shift+Tab away). Not
      // scrolled to: the panel is still sliding in, and the scroll would push it out of view.
      const panel = panelOf(box);
      const target = panel.querySelector(":scope > ul a[href]") || focusable(panel);
      if (target) target.focus({ preventScroll: true });
    } else {
      const opener = openers.find((el) => el.getAttribute("for") === box.id);
      if (opener) opener.focus({ preventScroll: true });
    }
  });

  // A click on the checkbox changes it and tells Material (which listens for "change").
  const setOpen = (open) => {
    if (toggle.checked !== open) toggle.click();
  };

  button.addEventListener("click", () => {
    const opening = !toggle.checked;
    setOpen(opening);
    update();
    if (opening) {
      const target = focusable(drawer);
      if (target) target.focus({ preventScroll: true });
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.checked && narrow.matches) {
      setOpen(false);
      update();
      button.focus();
    }
  });

  // The focus left the open drawer (Tab past its last link, or Shift+Tab out): close it, so the
  // focus never rests on the page behind the drawer's shade.
  drawer.addEventListener("focusout", (event) => {
    const to = event.relatedTarget;
    if (toggle.checked && narrow.matches && to && !drawer.contains(to)) {
      setOpen(false);
      update();
    }
  });

  // A control the focus lands on is never left under the sticky header or Material's floating
  // "Back to top" button, which shows as the page scrolls up (Shift+Tab): the browser scrolls
  // only what is out of the viewport, and these sit inside it.
  const header = document.querySelector(".md-header");
  const toTop = document.querySelector(".md-top");
  const overlaps = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const keepClear = (el) => {
    if (!header || !(el instanceof Element) || el === document.body) return;
    if (el.closest(".md-header, .md-sidebar, .md-top")) return;
    const box = el.getBoundingClientRect();
    let below = header.getBoundingClientRect().bottom;
    if (toTop && !toTop.hidden && toTop.getClientRects().length) {
      const top = toTop.getBoundingClientRect();
      if (overlaps(box, top)) below = Math.max(below, top.bottom);
    }
    if (box.top < below && box.bottom > 0) window.scrollBy(0, box.top - below - 8);
  };
  document.addEventListener("focusin", (event) => keepClear(event.target));
  // The button may show just after the focus moved (Material shows it once the page has
  // scrolled up): check again then.
  if (toTop) {
    new MutationObserver(() => {
      if (!toTop.hidden) keepClear(document.activeElement);
    }).observe(toTop, { attributes: true, attributeFilter: ["hidden"] });
  }

  toggle.addEventListener("change", update);
  // Material also closes the drawer itself (after a link to the same page): the end of the
  // drawer's slide is the moment to catch up.
  drawer.addEventListener("transitionend", update);
  for (const box of boxes) box.addEventListener("change", update);
  narrow.addEventListener("change", update);
  update();
})();

// The search page: Pagefind's JavaScript API behind an accessible form.
// - Two indexes. The first results come from a small index of titles, summaries and key facts,
//   so they cost a visitor little however big the bank grows. The full-text index loads once
//   they are on the screen, and adds the case studies that use the words only in their text.
// - The query and the ticked filters live in the address (?q=...&principle=...), so a filtered
//   view can be shared, cited and bookmarked.
// - Filters combine with AND across filters and OR within one; each option's count is what the
//   results would hold if that option were ticked too.
// - Only the shown results' pages are fetched, and the filter index only after the results.
// - The search box's state is in data-state: "first" while the full text is still being
//   searched, "done" when the results are complete.
// - One copy of Pagefind's script and worker serves both indexes (its createInstance); each
//   index still fetches Pagefind's WebAssembly from its own folder (Pagefind has no option to
//   share it). Merging the full text into the summary's instance instead would make every later
//   search fetch the full text's word lists before its first results (Pagefind reads every
//   merged index's words before it filters), so the two stay separate instances.
// - The status is a live region: it says one thing per settled search (results, or advice when
//   nothing matches), once the typing has paused, not once per keystroke.
// - On a phone the filters are folded away (a <details> whose summary counts the ticks), so the
//   results come straight after the search box; on a wide screen they are open beside them.
// Everything shown comes from the index through textContent: nothing is parsed as HTML.

const root = document.getElementById("eb-search");
const form = root.querySelector("form");
const query = form.querySelector("#eb-q");
const status = root.querySelector(".eb-search__status");
const list = root.querySelector(".eb-search__results");
const more = root.querySelector(".eb-search__more");
const filtersBox = root.querySelector(".eb-search__filters");
const active = root.querySelector("[data-active]");
const show = root.querySelector(".eb-search__show");
const resultsTitle = root.querySelector(".eb-search__results-title");
const wide = matchMedia("(min-width: 60em)");
// The counts for the whole bank, as the page was built with them: shown again when the box is
// cleared.
const bankCounts = new Map(
  [...form.querySelectorAll("[data-count-for]")].map((span) => [span, span.textContent]),
);
// How long the typing must pause before the status speaks (ms): results are drawn sooner.
const SETTLE = 1000;
let lastTyped = 0;
const labels = JSON.parse(document.getElementById("eb-search-labels").textContent);
const FACETS = Object.keys(labels);
const PAGE = 10;
// Words nearly every case study contains. Left out of a query that has other words, they would
// change almost nothing in the results but make the search download the biggest parts of the
// index (a word on every page lists every page). A query of only such words is kept whole.
const COMMON = new Set(
  "a an and are as at be but by for from has have in into is it its of on or that the their them they this to was we were what which who with".split(
    " ",
  ),
);

const indexes = {};
const filtersLoaded = new Set();
let listing = { first: [], full: null, nextFirst: 0, nextFull: 0, seen: new Set(), stale: false };
let run = 0;

function searchTerms(words) {
  const all = words.split(/\s+/).filter(Boolean);
  const kept = all.filter((word) => !COMMON.has(word.toLowerCase()));
  return (kept.length ? kept : all).join(" ") || null;
}

// Pagefind answers a word it does not hold with the pages that hold the longest start of it that
// it does hold ("orchid" finds "or"; upstream Pagefind/pagefind#599), and in a search of several
// words it answers a word it does not hold with such a start too, or leaves it out ("homelessness
// health" finds pages on "home" and "health"). Then every result (of that index, or of that part of
// it) lacks the word, so the first result tells: unless each word of the search shares its root
// with one of the words Pagefind matched in that result (`locations`), there are no results, and
// null says so. A root is the word less a common ending ("studies": "stud", "study" shares it);
// the start shared must reach to within a letter of it, and be 4 letters at least.
const ENDINGS = /(?:ations?|ities|ity|ments?|ness|ings?|ies|ied|ed|es|s|ly|al)$/;

async function genuine(results, terms) {
  if (!terms || !results.length) return results;
  const page = await results[0].data();
  const split = (text) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const words = page.content.split(/[\r\n\s]+/g);
  const matched = new Set(page.locations.flatMap((at) => split(words[at] || "")));
  const holds = (term) => {
    const need = Math.max(Math.min(term.length, 4), term.replace(ENDINGS, "").length - 1);
    return [...matched].some((word) => {
      let same = 0;
      while (same < term.length && term[same] === word[same]) same += 1;
      return same >= need;
    });
  };
  return split(terms).every(holds) ? results : null;
}

// One Pagefind instance per index, loaded when first needed (each bundle has its own module).
// A big bank's full-text index is built in parts (at most so many case studies each, so the
// build's memory stays bounded): a file in its folder (data-full-parts) lists the other parts,
// and Pagefind merges them into the first, so one search runs over them all and ranks their
// results together. Each part carries a filter of its own (PART, Pagefind's mergeFilter), for
// `find`.
const PART = "eb-part";

let runtime = null;

function load(name) {
  if (!indexes[name]) {
    indexes[name] = (async () => {
      const folder = new URL(root.dataset[`${name}Index`], location.href);
      const baseUrl = new URL(root.dataset.base, location.href).pathname;
      const listed = root.dataset[`${name}Parts`];
      const others = listed
        ? fetch(new URL(listed, folder), { cache: "no-cache" }).then((answer) => answer.json())
        : [];
      // One Pagefind script for both indexes: the summary's (the two bundles' scripts are the
      // same file). Resolve against the page: a bare import() would resolve against this script.
      runtime ??= import(new URL("pagefind.js", new URL(root.dataset.summaryIndex, location.href)).href);
      const pagefind = (await runtime).createInstance({ basePath: folder.pathname, baseUrl });
      await pagefind.options({ baseUrl });
      await pagefind.init();
      const paths = await others;
      if (paths.length) {
        await pagefind.options({ mergeFilter: { [PART]: "1" } });
        await Promise.all(
          paths.map((path, number) =>
            pagefind.mergeIndex(new URL(path, folder).pathname, {
              baseUrl,
              mergeFilter: { [PART]: String(number + 2) },
            }),
          ),
        );
      }
      const parts = ["1", ...paths.map((_, number) => String(number + 2))];
      return { pagefind, parts, holding: new Map() };
    })();
  }
  return indexes[name];
}

// Pagefind's answer to a search of `index`, or null when no case study holds the words. Pagefind
// answers from each part on its own, so a part without the words answers with the pages holding
// a start of them (see `genuine`): only the parts whose first result holds the words are asked.
async function find(index, terms, options) {
  if (!terms) return index.pagefind.search(terms, options);
  if (index.parts.length === 1) {
    const found = await index.pagefind.search(terms, options);
    return (await genuine(found.results, terms)) ? found : null;
  }
  if (!index.holding.has(terms)) {
    index.holding.set(
      terms,
      Promise.all(
        index.parts.map(async (part) => {
          const found = await index.pagefind.search(terms, { filters: { [PART]: part } });
          return found.results.length && (await genuine(found.results, terms)) ? part : null;
        }),
      ).then((parts) => parts.filter(Boolean)),
    );
  }
  const holding = await index.holding.get(terms);
  if (!holding.length) return null;
  const filters = { ...options.filters, [PART]: { any: holding } };
  return index.pagefind.search(terms, { ...options, filters });
}

function readState() {
  const state = { q: query.value.trim(), filters: {} };
  for (const facet of FACETS) {
    state.filters[facet] = [...form.querySelectorAll(`input[name="${facet}"]:checked`)].map(
      (box) => box.value,
    );
  }
  return state;
}

function applyAddress() {
  const params = new URLSearchParams(location.search);
  query.value = params.get("q") || "";
  for (const box of form.querySelectorAll("input[type=checkbox]")) {
    box.checked = params.getAll(box.name).includes(box.value);
  }
  countActive();
}

// The filters' summary says how many boxes are ticked.
function countActive() {
  const ticked = form.querySelectorAll("input[type=checkbox]:checked").length;
  active.textContent = `(${ticked ? ticked : "none"} active)`;
}

function writeAddress(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const facet of FACETS) {
    for (const value of state.filters[facet]) params.append(facet, value);
  }
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

function pagefindFilters(state, except) {
  const filters = {};
  for (const facet of FACETS) {
    if (facet !== except && state.filters[facet].length) {
      filters[facet] = { any: state.filters[facet] };
    }
  }
  return filters;
}

function hasFilters(state) {
  return FACETS.some((facet) => state.filters[facet].length);
}

function setCounts(facet, counts) {
  for (const span of form.querySelectorAll(`[data-facet="${facet}"] [data-count-for]`)) {
    span.textContent = `(${(counts && counts[span.dataset.countFor]) || 0})`;
  }
}

function caseStudies(count) {
  return `${count} case ${count === 1 ? "study" : "studies"}`;
}

// "3 case studies found for “recovery”, filtered by Engagement." and, when nothing matches,
// "No case studies found for “xyz”." with advice on what to try.
function message(state, total) {
  const words = state.q ? ` for “${state.q}”` : "";
  const groups = FACETS.filter((facet) => state.filters[facet].length).map((facet) =>
    state.filters[facet].map((value) => labels[facet][value] || value).join(" or "),
  );
  const filtered = groups.length ? `, filtered by ${groups.join(", and by ")}` : "";
  if (total) return `${caseStudies(total)} found${words}${filtered}.`;
  const advice =
    state.q && groups.length
      ? "Try fewer words, check the spelling, or remove a filter."
      : state.q
        ? "Try fewer words, or check the spelling."
        : "Try removing a filter.";
  return `No case studies found${words}${filtered}. ${advice}`;
}

// Says `text` in the status once the typing has paused; false when a newer search began.
async function announce(mine, text) {
  const wait = lastTyped + SETTLE - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  if (mine !== run) return false;
  if (status.textContent !== text) status.textContent = text;
  root.dataset.state = "done";
  return true;
}

async function search() {
  const mine = ++run;
  delete root.dataset.counts;
  root.dataset.state = "searching";
  const state = readState();
  writeAddress(state);
  // The old results stay until the new ones are drawn: emptied at once, the page would grow
  // shorter and scroll under the reader (and the focus) while the search runs.
  listing = { first: [], full: null, nextFirst: 0, nextFull: 0, seen: new Set(), stale: true };
  if (!state.q && !hasFilters(state)) {
    list.replaceChildren();
    // The counts for the whole bank are in the page already.
    more.hidden = true;
    for (const [span, text] of bankCounts) span.textContent = text;
    if (await announce(mine, "Type words to search for, or tick a filter.")) {
      root.dataset.counts = "ready";
    }
    return;
  }
  const terms = searchTerms(state.q);
  const filters = pagefindFilters(state);
  // 1. The first results: titles, summaries and key facts.
  const summary = await load("summary");
  if (mine !== run) return;
  const options = { filters };
  if (!terms) options.sort = { published: "desc" };
  listing.first = (await find(summary, terms, options))?.results || [];
  if (mine !== run) return;
  await add(PAGE);
  if (mine !== run) return;
  let index = summary;
  let total = listing.first.length;
  if (terms) {
    root.dataset.state = "first";
    // 2. The full text, which holds every case study the first results hold, and more; fetched
    //    once the first results have had their turn to be drawn.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (mine !== run) return;
    index = await load("full");
    if (mine !== run) return;
    listing.full = (await find(index, terms, { filters }))?.results || null;
    if (mine !== run) return;
    if (!listing.full) {
      // No case study holds the words: nothing to count either.
      listing.full = [];
      list.replaceChildren();
      listing.seen.clear();
      showMore();
      if (!(await announce(mine, message(state, 0)))) return;
      for (const facet of FACETS) setCounts(facet, {});
      root.dataset.counts = "ready";
      return;
    }
    total = Math.max(total, listing.full.length);
    if (listing.seen.size < PAGE) await add(PAGE - listing.seen.size);
    if (mine !== run) return;
  }
  if (listing.stale) list.replaceChildren();
  showMore();
  if (!(await announce(mine, message(state, total)))) return;
  // 3. The counts, from the index that gave the results. The filter index is only fetched now
  //    that the results are on the screen (a search only counts filters whose index is loaded).
  const name = terms ? "full" : "summary";
  if (!filtersLoaded.has(name)) {
    await index.pagefind.filters();
    filtersLoaded.add(name);
    if (mine !== run) return;
  }
  const all = await find(index, terms, options);
  if (mine !== run) return;
  // Counts for a filter with ticks of its own ignore those ticks (OR within a filter).
  for (const facet of FACETS) {
    if (state.filters[facet].length) {
      const others = await find(index, terms, { filters: pagefindFilters(state, facet) });
      if (mine !== run) return;
      setCounts(facet, others?.filters[facet]);
    } else {
      setCounts(facet, all?.filters[facet]);
    }
  }
  root.dataset.counts = "ready";
}

// The next results not shown yet: the first results in their order, then the full text's.
function candidates(count) {
  const next = [];
  while (next.length < count && listing.nextFirst < listing.first.length) {
    next.push(listing.first[listing.nextFirst++]);
  }
  while (next.length < count && listing.full && listing.nextFull < listing.full.length) {
    next.push(listing.full[listing.nextFull++]);
  }
  return next;
}

function showMore() {
  more.hidden = listing.full
    ? listing.seen.size >= listing.full.length && listing.nextFirst >= listing.first.length
    : listing.nextFirst >= listing.first.length;
}

// Show up to `count` more results (a case study found by both indexes is shown once); returns
// the first new link, for the focus.
async function add(count) {
  const mine = run;
  let first = null;
  while (count > 0) {
    const next = candidates(count);
    if (!next.length) break;
    const pages = await Promise.all(next.map((result) => result.data()));
    if (mine !== run) return null;
    if (listing.stale) {
      list.replaceChildren();
      listing.stale = false;
    }
    for (const page of pages) {
      if (listing.seen.has(page.url)) continue;
      listing.seen.add(page.url);
      count -= 1;
      const item = document.createElement("li");
      item.className = "eb-search__result";
      const heading = document.createElement("h3");
      const link = document.createElement("a");
      link.href = page.url;
      link.textContent = page.meta.title;
      heading.append(link);
      const summary = document.createElement("p");
      summary.textContent = page.meta.summary || page.excerpt.replace(/<[^>]*>/g, "");
      const facts = document.createElement("p");
      facts.className = "eb-search__facts";
      facts.textContent = `Rung: ${page.meta.rung}. Principles: ${page.meta.principles}.`;
      if (page.meta.evidence) facts.textContent += ` Strength of evidence: ${page.meta.evidence}.`;
      item.append(heading, summary, facts);
      list.append(item);
      first = first || link;
    }
  }
  showMore();
  return first;
}

let timer = null;
query.addEventListener("input", () => {
  lastTyped = Date.now();
  // A search is on its way: what is shown is not the answer to the box any more.
  root.dataset.state = "searching";
  delete root.dataset.counts;
  clearTimeout(timer);
  timer = setTimeout(search, 300);
});
form.addEventListener("change", (event) => {
  if (event.target.type === "checkbox") {
    countActive();
    search();
  }
});
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearTimeout(timer);
  lastTyped = 0;
  const showing = event.submitter === show;
  await search();
  if (!showing) return;
  // "Show the results": fold the filters away on a narrow screen, and go to the first result.
  if (!wide.matches) filtersBox.open = false;
  (list.querySelector("a") || resultsTitle).focus();
});
more.addEventListener("click", async () => {
  const first = await add(PAGE);
  if (first) first.focus();
});

async function start() {
  root.classList.add("eb-search--js");
  if (wide.matches) filtersBox.open = true;
  applyAddress();
  await search();
}

start().catch(() => {
  status.textContent =
    "The search could not start. You can still browse every case study using the links below.";
});

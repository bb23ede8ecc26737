// The search page: Pagefind's JavaScript API behind an accessible form.
// - The query and the ticked filters live in the address (?q=...&principle=...), so a filtered
//   view can be shared, cited and bookmarked.
// - Filters combine with AND across filters and OR within one; each option's count is what the
//   results would hold if that option were ticked too.
// - Only the first results' pages are fetched, so the first results cost kilobytes, not the index.
// Everything shown comes from the index through textContent: nothing is parsed as HTML.

const root = document.getElementById("eb-search");
const form = root.querySelector("form");
const query = form.querySelector("#eb-q");
const status = root.querySelector(".eb-search__status");
const list = root.querySelector(".eb-search__results");
const more = root.querySelector(".eb-search__more");
const labels = JSON.parse(document.getElementById("eb-search-labels").textContent);
const FACETS = Object.keys(labels);
const PAGE = 10;

let pagefind = null;
let results = [];
let shown = 0;
let run = 0;

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

function describe(state) {
  const parts = [];
  if (state.q) parts.push(`matching “${state.q}”`);
  for (const facet of FACETS) {
    if (state.filters[facet].length) {
      parts.push(state.filters[facet].map((value) => labels[facet][value] || value).join(" or "));
    }
  }
  return parts.length ? ` ${parts.join("; ")}` : "";
}

let filtersLoaded = false;

async function search() {
  const mine = ++run;
  delete root.dataset.counts;
  const state = readState();
  writeAddress(state);
  if (!state.q && !hasFilters(state)) {
    // The counts for the whole bank are in the page already.
    results = [];
    await render(true);
    status.textContent = "Type words to search for, or tick a filter.";
    return;
  }
  const options = { filters: pagefindFilters(state) };
  if (!state.q) options.sort = { published: "desc" };
  const found = await pagefind.search(state.q || null, options);
  if (mine !== run) return;
  results = found.results;
  await render(true);
  if (mine !== run) return;
  // Announced once the results are on the page (the status is a live region).
  const count = results.length;
  status.textContent = `${count} case ${count === 1 ? "study" : "studies"} found${describe(state)}.`;
  // Results first, counts after: the filter index is only fetched once the first results are
  // on the screen (a search only reports counts for filters whose index is loaded).
  if (!filtersLoaded) {
    await pagefind.filters();
    filtersLoaded = true;
    if (mine !== run) return;
  }
  const all = await pagefind.search(state.q || null, options);
  if (mine !== run) return;
  // Counts for a filter with ticks of its own ignore those ticks (OR within a filter).
  for (const facet of FACETS) {
    if (state.filters[facet].length) {
      const others = await pagefind.search(state.q || null, {
        filters: pagefindFilters(state, facet),
      });
      if (mine !== run) return;
      setCounts(facet, others.filters[facet]);
    } else {
      setCounts(facet, all.filters[facet]);
    }
  }
  root.dataset.counts = "ready";
}

async function render(fresh) {
  if (fresh) {
    list.replaceChildren();
    shown = 0;
  }
  const mine = run;
  const next = results.slice(shown, shown + PAGE);
  const pages = await Promise.all(next.map((result) => result.data()));
  if (mine !== run) return;
  let first = null;
  for (const page of pages) {
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
    item.append(heading, summary, facts);
    list.append(item);
    first = first || link;
  }
  shown += pages.length;
  more.hidden = shown >= results.length;
  return first;
}

let timer = null;
query.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(search, 250);
});
form.addEventListener("change", (event) => {
  if (event.target.type === "checkbox") search();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  search();
});
more.addEventListener("click", async () => {
  const first = await render(false);
  if (first) first.focus();
});

async function start() {
  status.textContent = "Loading the search…";
  // Resolve against the page: a bare import() would resolve against this script.
  pagefind = await import(new URL(root.dataset.pagefind, location.href).href);
  await pagefind.options({ baseUrl: new URL(root.dataset.base, location.href).pathname });
  await pagefind.init();
  applyAddress();
  await search();
}

start().catch(() => {
  status.textContent =
    "The search could not start. You can still browse every case study using the links below.";
});

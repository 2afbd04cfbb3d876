// The twinweave dashboard: the live network drawn with cytoscape, read and
// changed only through the HTTP API, kept current by its server-sent events.
"use strict";

const LOW_COVER_DAYS = 3;
// Past this many nodes, drawing trades detail for speed while panning.
const BIG = 1500;
const TIER_GAP = 320;
const ROW_GAP = 38;
const SUBCOLUMN_GAP = 150;
const EXPOSURE_EVERY_MS = 5000;
const DETAIL_EVERY_MS = 1000;

const state = {
  cy: null,
  views: new Map(), // node id -> what the page draws of it (see node_view)
  exposed: new Set(),
  hits: new Set(),
  stopped: new Set(),
  selected: null,
  userMoved: false,
  detailToken: 0,
  kept: {}, // fields of a loaded scenario that the form does not show
  timers: {},
};

// -- the API ---------------------------------------------------------------

class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body || {};
  }
}

async function api(path, options = {}) {
  const headers = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error : `${response.status} ${response.statusText}`;
    throw new ApiError(message, response.status, body);
  }
  return body;
}

// -- small DOM helpers -----------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const $ = (selector) => document.querySelector(selector);

function number(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (typeof value !== "number") return String(value);
  return value.toLocaleString("en", { maximumFractionDigits: digits });
}

function percent(value) {
  return value === null || value === undefined ? "–" : `${number(value * 100, 1)} %`;
}

function listed(ids, most = 12) {
  const more = ids.length > most ? ` and ${ids.length - most} more` : "";
  return ids.slice(0, most).join(", ") + more;
}

function throttle(name, ms, run) {
  if (state.timers[name]) return;
  state.timers[name] = setTimeout(() => {
    state.timers[name] = null;
    run();
  }, ms);
}

// -- node state ------------------------------------------------------------

function viewOf(node) {
  return {
    id: node.id,
    kind: node.kind,
    display_name: node.display_name,
    registered: node.registered,
    online: node.online,
    phase: node.phase,
    day: node.day,
    days_of_cover: node.days_of_cover,
  };
}

function isTwin(view) {
  return view.kind !== "external";
}

function isLow(view) {
  return view.online && view.days_of_cover !== null && view.days_of_cover !== undefined
    && view.days_of_cover < LOW_COVER_DAYS;
}

function classesOf(id) {
  const view = state.views.get(id);
  const classes = [];
  if (view && isTwin(view)) {
    if (!view.online) classes.push("offline");
    else if (isLow(view)) classes.push("low");
  }
  if (state.exposed.has(id)) classes.push("exposed");
  if (state.hits.has(id)) classes.push("hit");
  if (state.stopped.has(id)) classes.push("stopped");
  if (state.selected === id) classes.push("chosen");
  return classes.join(" ");
}

function restyle(ids) {
  if (!state.cy) return;
  state.cy.batch(() => {
    for (const id of ids) {
      const node = state.cy.getElementById(id);
      if (node.nonempty()) node.classes(classesOf(id));
    }
    state.cy.edges().forEach((edge) => {
      const hit = (state.hits.has(edge.target().id()) || state.stopped.has(edge.target().id()))
        && (state.hits.has(edge.source().id()) || state.stopped.has(edge.source().id()));
      edge.toggleClass("hit", hit);
    });
  });
}

function updateCounts() {
  const twins = [...state.views.values()].filter(isTwin);
  const counts = {
    twins: twins.length,
    online: twins.filter((v) => v.online).length,
    offline: twins.filter((v) => !v.online).length,
    low: twins.filter(isLow).length,
    exposed: [...state.exposed].filter((id) => state.views.has(id)).length,
  };
  for (const [name, value] of Object.entries(counts)) {
    $(`[data-count="${name}"]`).textContent = value;
  }
}

// -- layout: one column per tier of the network, computed once per load ----

function tiersOf(ids, edges) {
  const successors = new Map(ids.map((id) => [id, []]));
  const waiting = new Map(ids.map((id) => [id, 0]));
  for (const edge of edges) {
    if (!successors.has(edge.source) || !waiting.has(edge.target)) continue;
    successors.get(edge.source).push(edge.target);
    waiting.set(edge.target, waiting.get(edge.target) + 1);
  }
  const tier = new Map();
  const ready = ids.filter((id) => waiting.get(id) === 0);
  for (const id of ready) tier.set(id, 0);
  const placed = new Set(ready);
  const release = (id) => {
    for (const next of successors.get(id)) {
      tier.set(next, Math.max(tier.get(next) ?? 0, tier.get(id) + 1));
      waiting.set(next, waiting.get(next) - 1);
      if (waiting.get(next) === 0 && !placed.has(next)) {
        placed.add(next);
        ready.push(next);
      }
    }
  };
  // Longest path from a source; a cycle is broken at its first node by id.
  let head = 0;
  for (const id of ids) {
    while (head < ready.length) release(ready[head++]);
    if (!placed.has(id)) {
      placed.add(id);
      tier.set(id, tier.get(id) ?? 0);
      ready.push(id);
    }
  }
  while (head < ready.length) release(ready[head++]);
  return tier;
}

function positions(ids, edges) {
  const tier = tiersOf(ids, edges);
  const columns = new Map();
  for (const id of ids) {
    const t = tier.get(id);
    if (!columns.has(t)) columns.set(t, []);
    columns.get(t).push(id);
  }
  const placed = new Map();
  let x = 0;
  for (const t of [...columns.keys()].sort((a, b) => a - b)) {
    const members = columns.get(t).sort((a, b) => {
      const ka = state.views.get(a).kind;
      const kb = state.views.get(b).kind;
      return ka === kb ? a.localeCompare(b) : ka.localeCompare(kb);
    });
    // A tall tier wraps into sub-columns, so that it stays roughly square.
    const rows = Math.max(26, Math.ceil(Math.sqrt(members.length * 3)));
    const subcolumns = Math.ceil(members.length / rows);
    members.forEach((id, index) => {
      const column = Math.floor(index / rows);
      const inColumn = Math.min(rows, members.length - column * rows);
      const row = index % rows;
      placed.set(id, { x: x + column * SUBCOLUMN_GAP, y: (row - (inColumn - 1) / 2) * ROW_GAP });
    });
    x += (subcolumns - 1) * SUBCOLUMN_GAP + TIER_GAP;
  }
  return placed;
}

// -- the graph -------------------------------------------------------------

const STYLE = [
  {
    selector: "node",
    style: {
      "background-color": "#2f9e61",
      width: 20,
      height: 20,
      label: "data(label)",
      "font-size": 11,
      color: "#1d2430",
      "text-valign": "center",
      "text-halign": "right",
      "text-margin-x": 5,
      "min-zoomed-font-size": 7,
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.8,
      "text-background-padding": 1,
      "border-color": "#d62728",
      "border-width": 0,
    },
  },
  { selector: 'node[kind = "factory"]', style: { shape: "round-rectangle" } },
  { selector: 'node[kind = "warehouse"]', style: { shape: "barrel", width: 22, height: 22 } },
  { selector: 'node[kind = "fleet"]', style: { shape: "hexagon", width: 28, height: 28 } },
  {
    selector: 'node[kind = "external"]',
    style: { shape: "diamond", "background-color": "#6b8cc7", width: 26, height: 26 },
  },
  { selector: "node.low", style: { "background-color": "#e89a1c" } },
  { selector: "node.offline", style: { "background-color": "#9aa3ad" } },
  { selector: "node.exposed", style: { "border-width": 4 } },
  {
    selector: "node.hit",
    style: { "underlay-color": "#b62fd0", "underlay-padding": 8, "underlay-opacity": 0.45 },
  },
  {
    selector: "node.stopped",
    style: { "underlay-color": "#1d2430", "underlay-padding": 8, "underlay-opacity": 0.55 },
  },
  {
    selector: "node.chosen",
    style: {
      "overlay-color": "#1f4ed8",
      "overlay-opacity": 0.22,
      "overlay-padding": 7,
      "font-weight": "bold",
    },
  },
  {
    selector: "edge",
    style: {
      width: 1.2,
      "line-color": "#b9c2cd",
      "target-arrow-color": "#b9c2cd",
      "target-arrow-shape": "triangle",
      "arrow-scale": 0.8,
      "curve-style": "straight",
    },
  },
  {
    selector: "edge.hit",
    style: { width: 2.4, "line-color": "#b62fd0", "target-arrow-color": "#b62fd0" },
  },
];

function createGraph(big) {
  const cy = cytoscape({
    container: $("#graph"),
    style: STYLE,
    layout: { name: "preset" },
    minZoom: 0.03,
    maxZoom: 3,
    autoungrabify: true,
    boxSelectionEnabled: false,
    pixelRatio: big ? 1 : "auto",
    hideEdgesOnViewport: big,
    textureOnViewport: big,
  });
  if (big) {
    cy.style().selector("edge").style({ "curve-style": "haystack", "target-arrow-shape": "none" }).update();
  }
  cy.on("tap", "node", (event) => selectNode(event.target.id()));
  cy.on("tap", (event) => {
    if (event.target === cy) clearSelection();
  });
  cy.on("scrollzoom dragpan", () => {
    state.userMoved = true;
  });
  return cy;
}

async function loadGraph() {
  const data = await api("/api/graph");
  const views = data.nodes.map(viewOf);
  state.views = new Map(views.map((view) => [view.id, view]));
  const ids = views.map((view) => view.id).sort();
  const edges = data.edges.map((edge) => ({ source: edge.source, target: edge.target }));
  if (!state.cy) state.cy = createGraph(ids.length > BIG);

  const at = positions(ids, edges);
  const elements = [
    ...ids.map((id) => ({
      group: "nodes",
      data: { id, label: state.views.get(id).display_name || id, kind: state.views.get(id).kind },
      position: at.get(id),
      classes: classesOf(id),
    })),
    ...edges.map((edge) => ({
      group: "edges",
      data: { id: `${edge.source}->${edge.target}`, source: edge.source, target: edge.target },
    })),
  ];
  state.cy.batch(() => {
    state.cy.elements().remove();
    state.cy.add(elements);
  });
  if (!state.userMoved) state.cy.fit(undefined, 40);

  $("#empty").hidden = ids.length > 0;
  $("#node-ids").replaceChildren(...ids.map((id) => el("option", { value: id })));
  updateCounts();
  restyle(ids);
  if (state.selected && !state.views.has(state.selected)) clearSelection();
  refreshExposure();
}

function applyNodes(changed) {
  for (const view of changed) {
    const known = state.views.get(view.id);
    state.views.set(view.id, view);
    if (known && known.display_name !== view.display_name && state.cy) {
      state.cy.getElementById(view.id).data("label", view.display_name || view.id);
    }
  }
  restyle(changed.map((view) => view.id));
  updateCounts();
  if (state.selected && changed.some((view) => view.id === state.selected)) {
    throttle("detail", DETAIL_EVERY_MS, loadDetail);
  }
  throttle("exposure", EXPOSURE_EVERY_MS, refreshExposure);
}

async function refreshExposure() {
  try {
    const report = await api("/api/exposure");
    state.exposed = new Set(report.nodes.filter((node) => node.exposed).map((node) => node.node_id));
  } catch (error) {
    console.warn("exposure unavailable:", error.message);
    state.exposed = new Set();
  }
  restyle([...state.views.keys()]);
  updateCounts();
}

// -- the live feed ---------------------------------------------------------

function setLive(live) {
  const badge = $("#live");
  badge.className = live ? "live" : "connecting";
  badge.textContent = live ? "live" : "reconnecting…";
}

function follow() {
  const source = new EventSource("/api/events");
  source.addEventListener("hello", () => {
    setLive(true);
    loadGraph().catch(showLoadError);
  });
  source.addEventListener("graph", () => throttle("graph", 250, () => loadGraph().catch(showLoadError)));
  source.addEventListener("nodes", (event) => applyNodes(JSON.parse(event.data).nodes));
  // EventSource reconnects by itself; "hello" reloads the graph when it does.
  source.addEventListener("error", () => setLive(false));
}

function showLoadError(error) {
  $("#empty").hidden = false;
  $("#empty").textContent = `Cannot load the network: ${error.message}`;
}

// -- one node: figures and downstream impact -------------------------------

function showTab(name) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const chosen = tab.getAttribute("aria-controls") === name;
    tab.setAttribute("aria-selected", String(chosen));
    $(`#${tab.getAttribute("aria-controls")}`).hidden = !chosen;
  }
}

function selectNode(id) {
  const before = state.selected;
  state.selected = id;
  restyle([before, id].filter(Boolean));
  showTab("node");
  loadDetail();
}

function clearSelection() {
  const before = state.selected;
  state.selected = null;
  highlight([], []);
  restyle([before].filter(Boolean));
  $("#node-detail").hidden = true;
  $("#node-hint").hidden = false;
}

function highlight(stopped, hits) {
  const touched = [...state.stopped, ...state.hits, ...stopped, ...hits];
  state.stopped = new Set(stopped);
  state.hits = new Set(hits);
  restyle(touched);
}

async function loadDetail() {
  const id = state.selected;
  if (!id) return;
  const token = ++state.detailToken;
  const days = Number($("#impact-days").value) || 7;
  try {
    const detail = await api(`/api/nodes/${encodeURIComponent(id)}?days=${days}`);
    if (token !== state.detailToken) return;
    renderDetail(detail);
  } catch (error) {
    if (token !== state.detailToken) return;
    $("#node-impact").replaceChildren(el("p", { class: "error" }, error.message));
  }
}

function renderDetail(detail) {
  const node = detail.node;
  const view = state.views.get(node.id) || viewOf(node);
  $("#node-hint").hidden = true;
  $("#node-detail").hidden = false;
  $("#node-name").textContent = node.display_name || node.id;
  $("#node-sub").textContent = `${node.id} · ${node.kind}${node.location ? ` · ${node.location}` : ""}`;

  const badges = [];
  if (isTwin(view)) badges.push(el("span", { class: `badge ${node.online ? "online" : "offline"}` }, node.online ? "online" : "offline"));
  if (node.phase) badges.push(el("span", { class: "badge" }, node.phase));
  if (isLow(view)) badges.push(el("span", { class: "badge low" }, "low cover"));
  if (state.exposed.has(node.id)) badges.push(el("span", { class: "badge exposed" }, "exposed"));
  $("#node-badges").replaceChildren(...badges);

  const facts = [
    ["day", node.day],
    ["days of cover", number(node.days_of_cover)],
    ["time to recover", node.time_to_recover_days === null ? null : `${number(node.time_to_recover_days)} days`],
    ["last seen", node.last_seen ? new Date(node.last_seen).toLocaleTimeString() : null],
    ["upstream", listed(detail.upstream)],
    ["downstream", listed(detail.downstream)],
  ].filter(([, value]) => value !== null && value !== undefined && value !== "");
  $("#node-facts").replaceChildren(...facts.flatMap(([key, value]) => [el("dt", {}, key), el("dd", {}, value)]));

  const figures = Object.entries(node.figures || {});
  $("#node-figures tbody").replaceChildren(
    ...(figures.length
      ? figures.map(([key, value]) => el("tr", {}, el("th", {}, key.replaceAll("_", " ")), el("td", { class: "num" }, number(value, 3))))
      : [el("tr", { class: "more" }, el("td", {}, "no figures reported yet"))]),
  );
  renderStock(node.stock || {}, node.daily_outflow || {});
  renderImpact(detail);
}

function renderStock(stock, outflow) {
  const products = [...new Set([...Object.keys(stock), ...Object.keys(outflow)])]
    .sort((a, b) => (stock[b] || 0) - (stock[a] || 0));
  const shown = products.slice(0, 12);
  const rows = shown.map((product) =>
    el("tr", {}, el("td", {}, product), el("td", { class: "num" }, number(stock[product])), el("td", { class: "num" }, number(outflow[product]))));
  if (products.length > shown.length) {
    rows.push(el("tr", { class: "more" }, el("td", { colspan: 3 }, `and ${products.length - shown.length} more products`)));
  }
  if (!rows.length) rows.push(el("tr", { class: "more" }, el("td", { colspan: 3 }, "no stock held")));
  $("#node-stock tbody").replaceChildren(...rows);
}

function renderImpact(detail) {
  const box = $("#node-impact");
  const report = detail.impact;
  if (report === null) {
    highlight([], []);
    box.replaceChildren(el("p", { class: "hint" }, "Not a twin: an external node cannot be stopped."));
    return;
  }
  highlight(report.stopped, report.hits.map((hit) => hit.node_id));
  const summary = report.hits.length
    ? el("p", { class: "summary" }, "First hit on day ", el("b", {}, report.first_hit_day), ", ",
      el("b", {}, number(report.volume_at_risk)), " units at risk.")
    : el("p", { class: "summary" }, `Nothing downstream runs short within ${report.days} days.`);
  const table = report.hits.length
    ? el("table", {},
      el("thead", {}, el("tr", {}, el("th", {}, "node"), el("th", { class: "num" }, "day"), el("th", { class: "num" }, "at risk"), el("th", {}, "short of"))),
      el("tbody", {}, report.hits.map((hit) => el("tr", { "data-node": hit.node_id },
        el("td", {}, hit.node_id), el("td", { class: "num" }, hit.hit_day),
        el("td", { class: "num" }, number(hit.volume_at_risk)), el("td", {}, hit.products.join(", "))))))
    : null;
  const unaffected = report.unaffected.length
    ? el("p", { class: "hint" }, `Reached but not hit: ${listed(report.unaffected, 20)}.`)
    : null;
  box.replaceChildren(summary, table || "", unaffected || "");
}

// -- what-if ---------------------------------------------------------------

const FIELDS = {
  node_down: ["node"],
  capacity_cut: ["node", "share"],
  link_blocked: ["origin", "destination"],
  demand_change: ["node", "factor"],
};
const OPTIONAL = ["node", "origin", "destination", "share", "factor"];

function addDisruption(values = {}) {
  const item = $("#disruption").content.firstElementChild.cloneNode(true);
  const type = item.querySelector('[name="type"]');
  const shape = () => {
    const wanted = FIELDS[type.value];
    for (const name of OPTIONAL) {
      const input = item.querySelector(`[name="${name}"]`);
      const holder = input.closest("label") || input;
      holder.hidden = !wanted.includes(name);
    }
  };
  for (const [name, value] of Object.entries(values)) {
    const input = item.querySelector(`[name="${name}"]`);
    if (input) input.value = value;
  }
  if (!values.node && state.selected && !values.origin) item.querySelector('[name="node"]').value = state.selected;
  type.addEventListener("change", shape);
  item.querySelector(".remove").addEventListener("click", () => item.remove());
  shape();
  $("#disruptions").append(item);
  return item;
}

function numeric(input) {
  return input.value === "" ? null : Number(input.value);
}

function readScenario() {
  const form = $("#scenario");
  const disruptions = [...document.querySelectorAll("#disruptions > li")].map((item) => {
    const type = item.querySelector('[name="type"]').value;
    const disruption = { type };
    for (const name of FIELDS[type]) {
      const input = item.querySelector(`[name="${name}"]`);
      disruption[name] = input.type === "number" ? numeric(input) : input.value.trim();
    }
    disruption.start_day = numeric(item.querySelector('[name="start_day"]'));
    disruption.duration_days = numeric(item.querySelector('[name="duration_days"]'));
    return disruption;
  });
  return {
    ...state.kept,
    name: form.elements.name.value.trim(),
    start: form.elements.start.value || null,
    horizon_days: numeric(form.elements.horizon_days),
    disruptions,
  };
}

function fillScenario(scenario) {
  const form = $("#scenario");
  // Fields the form does not show go back as they came.
  state.kept = {};
  if (scenario.description) state.kept.description = scenario.description;
  if (Object.keys(scenario.time_to_recover_days || {}).length) {
    state.kept.time_to_recover_days = scenario.time_to_recover_days;
  }
  form.elements.name.value = scenario.name;
  form.elements.start.value = scenario.start || "";
  form.elements.horizon_days.value = scenario.horizon_days;
  $("#disruptions").replaceChildren();
  for (const disruption of scenario.disruptions) addDisruption(disruption);
}

function showScenarioError(error) {
  const box = $("#scenario-error");
  for (const marked of document.querySelectorAll("#scenario .invalid")) marked.classList.remove("invalid");
  if (!error) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.textContent = error.message;
  const field = error.body && error.body.field;
  const input = field ? inputFor(field) : null;
  if (input) {
    input.classList.add("invalid");
    input.focus();
  }
}

function inputFor(field) {
  // "disruptions.0.node_down.node" and "disruptions[0]" both name item 0.
  const parts = field.replace(/\[(\d+)\]/g, ".$1").split(".");
  if (parts[0] !== "disruptions") return $(`#scenario [name="${parts[0]}"]`);
  const item = document.querySelectorAll("#disruptions > li")[Number(parts[1])];
  const name = parts[parts.length - 1];
  return item ? item.querySelector(`[name="${name}"]`) : null;
}

async function runScenario(event) {
  event.preventDefault();
  const button = $("#run");
  button.disabled = true;
  showScenarioError(null);
  $("#whatif-result").replaceChildren(el("p", { class: "hint" }, "Running the scenario and its baseline…"));
  try {
    const result = await api("/api/scenarios/run", { method: "POST", body: JSON.stringify(readScenario()) });
    renderWhatIf(result);
  } catch (error) {
    $("#whatif-result").replaceChildren();
    showScenarioError(error);
  } finally {
    button.disabled = false;
  }
}

async function saveScenario() {
  showScenarioError(null);
  try {
    await api("/api/scenarios", { method: "POST", body: JSON.stringify(readScenario()) });
    await loadSaved($("#scenario").elements.name.value.trim());
  } catch (error) {
    showScenarioError(error);
  }
}

async function loadSaved(chosen = "") {
  try {
    const saved = await api("/api/scenarios");
    $("#saved").replaceChildren(
      el("option", { value: "" }, "(new scenario)"),
      ...saved.scenarios.map((item) => el("option", { value: item.name, selected: item.name === chosen }, item.name)),
    );
  } catch (error) {
    console.warn("saved scenarios unavailable:", error.message);
  }
}

async function openSaved() {
  const name = $("#saved").value;
  if (!name) {
    state.kept = {};
    return;
  }
  try {
    fillScenario(await api(`/api/scenarios/${encodeURIComponent(name)}`));
    showScenarioError(null);
  } catch (error) {
    showScenarioError(error);
  }
}

function renderWhatIf(result) {
  const day = (value) => (value === null || value === undefined ? "–" : value);
  const worse = (mine, base, key) => {
    if (key === "volume_short") return mine > base + 1e-9;
    if (key === "fill_rate") return mine < base - 1e-9;
    return mine !== null && (base === null || mine < base);
  };
  const pair = (outcome, key, format) => [
    el("td", { class: `num scenario${worse(outcome.scenario[key], outcome.baseline[key], key) ? " worse" : ""}` },
      format(outcome.scenario[key])),
    el("td", { class: "num baseline" }, format(outcome.baseline[key])),
  ];
  const columns = [["stockout_day", day], ["fill_rate", percent], ["volume_short", number]];
  const row = (outcome, label) => el("tr", { "data-node": outcome.node_id },
    el("td", {}, label || outcome.node_id), ...columns.flatMap(([key, format]) => pair(outcome, key, format)));

  const hurt = result.nodes.filter((outcome) => outcome.extra_short > 0
    || outcome.scenario.volume_short > 0 || outcome.baseline.volume_short > 0);
  const shown = hurt.slice(0, 40);
  const ends = result.ends;
  const since = result.first_day ? ` from ${result.first_day}` : "";
  $("#whatif-result").replaceChildren(
    el("h3", {}, `${result.scenario}: ${result.days} days${since}`),
    el("p", { class: "summary" },
      "The network's ends get ", el("b", {}, percent(ends.scenario.fill_rate)), " of their need with the scenario, ",
      el("b", {}, percent(ends.baseline.fill_rate)), " in the baseline; ",
      el("b", {}, number(ends.extra_short)), " units more go short."),
    el("table", { class: "sbs" },
      el("thead", {},
        el("tr", {}, el("th", {}), el("th", { class: "group", colspan: 2 }, "stock-out day"),
          el("th", { class: "group", colspan: 2 }, "fill rate"), el("th", { class: "group", colspan: 2 }, "volume short")),
        el("tr", {}, el("th", {}, "node"),
          ...columns.flatMap(() => [el("th", { class: "num scenario" }, "Scenario"), el("th", { class: "num baseline" }, "Baseline")]))),
      el("tbody", {}, row(ends, "network ends"), shown.map((outcome) => row(outcome)),
        hurt.length > shown.length
          ? el("tr", { class: "more" }, el("td", { colspan: 7 }, `and ${hurt.length - shown.length} more nodes`))
          : null)),
    hurt.length ? "" : el("p", { class: "hint" }, "No node runs short, with the scenario or without it."),
  );
  highlight([], hurt.filter((outcome) => outcome.extra_short > 0).map((outcome) => outcome.node_id));
}

// -- start -----------------------------------------------------------------

function start() {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => showTab(tab.getAttribute("aria-controls")));
  }
  $("#impact-form").addEventListener("submit", (event) => event.preventDefault());
  $("#impact-days").addEventListener("change", loadDetail);
  $("#scenario").addEventListener("submit", runScenario);
  $("#add-disruption").addEventListener("click", () => addDisruption());
  $("#save").addEventListener("click", saveScenario);
  $("#saved").addEventListener("change", openSaved);
  addDisruption({ type: "node_down" });
  loadSaved();
  follow();
}

// For tests and the curious: the graph, to find where a node is drawn.
window.twinweave = { graph: () => state.cy, selectNode };

start();

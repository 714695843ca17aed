"use strict";
// The review page: the minutes with each fact's span marked, the facts by kind; every change is
// sent at once and the server's one-document validation says whether it stands. Minutes are
// opened here too: a draft of data/drafts/, or a file uploaded, drafted and opened.
const TOKEN = new URLSearchParams(location.search).get("token") || "";
let state = null;
let current = null;
const refused = {}; // card id → the problems of its last refused change (kept across redraws)

let inFlight = 0; // requests not yet answered, shown as body[data-waiting] (a test waits for 0)

async function call(method, path, body) {
  const options = { method, headers: { "X-Curate-Token": TOKEN } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  document.body.dataset.waiting = ++inFlight;
  try {
    const answer = await fetch(path, options);
    return { ok: answer.ok, status: answer.status, data: await answer.json() };
  } finally {
    document.body.dataset.waiting = --inFlight;
  }
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function summary(card) {
  const e = card.entry;
  switch (card.kind) {
    case "links": return `${e.holder} → ${e.held} (${e.mechanism || "?"}, ${e.status || "?"})`;
    case "memberships": return `${e.member} in ${e.organisation}`;
    case "posts": return `${e.title || e.role || "post"} at ${e.body}${e.holder ? " — " + e.holder : ""}`;
    case "concerns": return `${e.kind}: about ${(e.about || []).join(", ")}`;
    case "observations": return `${e.indicator}: ${e.value} ${e.unit || ""}`;
    default: return e.name || e.title || e.id || card.kind;
  }
}

// -- the minutes ---------------------------------------------------------------------------
function renderText() {
  const text = state.text;
  const cuts = new Set([0, text.length]);
  for (const c of state.cards) if (c.span) { cuts.add(c.span[0]); cuts.add(c.span[1]); }
  const points = [...cuts].sort((a, b) => a - b);
  const pre = document.getElementById("text");
  pre.replaceChildren();
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = state.cards.filter((c) => c.span && c.span[0] <= a && b <= c.span[1]);
    const piece = text.slice(a, b);
    if (!covering.length) { pre.append(piece); continue; }
    covering.sort((x, y) => (x.span[1] - x.span[0]) - (y.span[1] - y.span[0]));
    const mark = el("mark", { textContent: piece });
    mark.dataset.cards = covering.map((c) => c.id).join(" ");
    mark.className = covering[0].state;
    mark.addEventListener("click", () => select(covering[0].id, false));
    pre.append(mark);
  }
}

// -- the facts -----------------------------------------------------------------------------
function renderFacts() {
  const facts = document.getElementById("facts");
  facts.replaceChildren();
  for (const section of state.sections) {
    const cards = state.cards.filter((c) => c.kind === section);
    if (!cards.length) continue;
    facts.append(el("h2", { textContent: `${section} (${cards.length})` }));
    for (const card of cards) facts.append(renderCard(card));
  }
  if (current) select(current, false, false);
}

function renderCard(card) {
  const box = el("div", { className: `card ${card.state}`, id: `card-${card.id}`, tabIndex: -1 });
  box.dataset.card = card.id;
  box.dataset.kind = card.kind;
  box.append(
    el("span", { className: "state", textContent: card.state }),
    el("div", { className: "what", textContent: summary(card) }),
    el("div", { className: "cite", textContent: `cites ${card.entry.cite || "—"}` +
      (card.confidence != null ? ` · confidence ${card.confidence}` : "") }),
  );
  if (card.quoted) box.append(el("div", { className: "warn", textContent: "worded as in the minutes: edit it into our own words" }));
  if (card.new_body) box.append(el("div", { className: "warn", textContent: "a body new to the graph" }));
  const accept = el("button", { type: "button", textContent: "Accept" });
  accept.addEventListener("click", (ev) => { ev.stopPropagation(); setState(card.id, "accepted"); });
  const edit = el("button", { type: "button", textContent: "Edit" });
  edit.addEventListener("click", (ev) => { ev.stopPropagation(); openEditor(card.id); });
  const reject = el("button", { type: "button", textContent: "Reject" });
  reject.addEventListener("click", (ev) => { ev.stopPropagation(); setState(card.id, "rejected"); });
  box.append(el("div", {}, accept, " ", edit, " ", reject));
  box.append(el("div", { className: "error card-error" }));
  box.addEventListener("click", () => select(card.id, true));
  if (refused[card.id]) showProblems(box, refused[card.id]);
  return box;
}

function select(id, scrollText = true, focus = true) {
  current = id;
  document.querySelectorAll(".current").forEach((n) => n.classList.remove("current"));
  const box = document.getElementById(`card-${id}`);
  if (box) { box.classList.add("current"); if (focus) box.scrollIntoView({ block: "nearest" }); }
  const marks = [...document.querySelectorAll("mark")].filter((m) => m.dataset.cards.split(" ").includes(id));
  marks.forEach((m) => m.classList.add("current"));
  if (scrollText && marks.length) marks[0].scrollIntoView({ block: "center" });
}

function showProblems(box, problems) {
  box.querySelectorAll(".error").forEach((n) => (n.textContent = ""));
  for (const p of problems) {
    const slot = box.querySelector(`.error[data-field="${CSS.escape(p.field)}"]`) ||
      box.querySelector(`.error[data-field="${CSS.escape(p.field.split(".")[0].split("[")[0])}"]`) ||
      box.querySelector(".card-error");
    slot.textContent = (slot.textContent ? slot.textContent + "; " : "") + p.rule + (p.hint ? ` (${p.hint})` : "");
  }
}

function replaceCard(card, focus = true) {
  delete refused[card.id];
  const known = state.cards.some((c) => c.id === card.id);
  state.cards = known ? state.cards.map((c) => (c.id === card.id ? card : c)) : [...state.cards, card];
  if (focus) current = card.id; // (an answer to a key press leaves the selection where the keys moved it)
  renderText();
  const node = document.getElementById(`card-${card.id}`);
  if (known && node) node.replaceWith(renderCard(card)); // other cards (and their open forms) stay
  else renderFacts();
  if (current) select(current, false, focus);
}

function changed() {
  state.unsaved = true;
  state.undo += 1;
  document.getElementById("undo").disabled = false;
}

async function setState(id, value) {
  const answer = await call("POST", `/api/cards/${id}`, { state: value });
  if (answer.ok) { changed(); replaceCard(answer.data, false); }
  else {
    refused[id] = answer.data.problems || [{ field: "", rule: answer.data.detail }];
    showProblems(document.getElementById(`card-${id}`), refused[id]);
  }
}

// -- editing -------------------------------------------------------------------------------
function fieldInput(name, value) {
  if (name === "items") return itemsEditor(value || []);
  if (state.codes[name] && (name !== "type" || currentKind === "bodies")) {
    const select = el("select", { name });
    select.append(el("option", { value: "", textContent: "—" }));
    for (const code of state.codes[name]) select.append(el("option", { value: code, textContent: code, selected: code === value }));
    return select;
  }
  const input = el("input", { name, value: Array.isArray(value) ? value.join(", ") : value ?? "" });
  return state.references[name] ? [input, searchList(input, `list-${name}`)] : input;
}

// Bodies and people found in the graph (and this review) as the curator types, offered by id.
function searchList(input, id) {
  const list = el("datalist", { id });
  input.setAttribute("list", id);
  input.addEventListener("input", async () => {
    const word = input.value.split(",").pop().trim();
    if (word.length < 2) return;
    const found = await call("GET", `/api/search?q=${encodeURIComponent(word)}`);
    list.replaceChildren(...found.data.map((x) => el("option", { value: x.id, textContent: `${x.label} (${x.kind})` })));
  });
  return list;
}

let currentKind = null;

function editorFor(kind, entry, onSubmit) {
  currentKind = kind;
  const form = el("form");
  const names = [...state.fields[kind], ...Object.keys(entry).filter((k) => !state.fields[kind].includes(k) && k !== "cite" && k !== "note"), "cite", "note"];
  for (const name of names) {
    const input = fieldInput(name, entry[name]);
    form.append(el("label", { textContent: name, htmlFor: `f-${name}` }));
    const controls = Array.isArray(input) ? input : [input];
    controls[0].id = `f-${name}`;
    form.append(el("span", {}, ...controls));
    const error = el("div", { className: "error" });
    error.dataset.field = name;
    form.append(error);
  }
  const save = el("button", { type: "submit", textContent: "Apply" });
  const cancel = el("button", { type: "button", textContent: "Cancel" });
  cancel.addEventListener("click", () => renderFacts());
  form.append(el("div", { className: "actions" }, save, " ", cancel));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); onSubmit(readForm(form, kind, entry)); });
  form.addEventListener("click", (ev) => ev.stopPropagation());
  return form;
}

// A meeting's agenda items: each with its number, title, summary and citation, and its decisions
// (kind from the format's list, text in our words, who made it, to whom, the delegate).
const ITEM_FIELDS = ["number", "title", "summary", "cite", "note"];
const DECISION_FIELDS = ["kind", "text", "by", "to", "delegate", "cite", "note"];
const DECISION_KINDS = ["resolution", "decision", "recommendation", "delegation", "noting"];

function subField(path, name, value, choices) {
  let control;
  if (choices) {
    control = el("select", {}, el("option", { value: "", textContent: "—" }),
      ...choices.map((c) => el("option", { value: c, textContent: c, selected: c === value })));
  } else if (name === "text" || name === "summary") control = el("textarea", { rows: 2, value: value ?? "" });
  else control = el("input", { value: value ?? "" });
  control.dataset.path = path;
  control.setAttribute("aria-label", path);
  const error = el("div", { className: "error" });
  error.dataset.field = path;
  const found = ["by", "to", "delegate"].includes(name) ? [searchList(control, `list-${path}`)] : [];
  return el("label", { className: "sub" }, el("span", { textContent: name }), control, ...found, error);
}

function itemsEditor(items) {
  const box = el("div", { className: "items" });
  let model = JSON.parse(JSON.stringify(items));
  const button = (text, action) => {
    const b = el("button", { type: "button", textContent: text });
    b.addEventListener("click", () => { model = read(); action(); draw(); });
    return b;
  };
  const value = (path) => box.querySelector(`[data-path="${CSS.escape(path)}"]`)?.value.trim() ?? "";
  const read = () => model.map((item, i) => {
    const out = { ...item };
    for (const f of ITEM_FIELDS) { const v = value(`items[${i}].${f}`); if (v) out[f] = v; else delete out[f]; }
    out.decisions = (item.decisions || []).map((d, j) => {
      const dec = { ...d };
      for (const f of DECISION_FIELDS) { const v = value(`items[${i}].decisions[${j}].${f}`); if (v) dec[f] = v; else delete dec[f]; }
      return dec;
    });
    if (!out.decisions.length) delete out.decisions;
    return out;
  });
  const draw = () => {
    box.replaceChildren();
    model.forEach((item, i) => {
      const set = el("fieldset", { className: "item" }, el("legend", { textContent: `item ${item.number ?? i + 1}` }));
      for (const f of ITEM_FIELDS) set.append(subField(`items[${i}].${f}`, f, item[f]));
      set.append(el("div", { className: "error" }));
      set.lastChild.dataset.field = `items[${i}]`;
      (item.decisions || []).forEach((d, j) => {
        const path = `items[${i}].decisions[${j}]`;
        const one = el("fieldset", { className: "decision" }, el("legend", { textContent: `decision ${j + 1}` }));
        for (const f of DECISION_FIELDS) one.append(subField(`${path}.${f}`, f, d[f], f === "kind" ? DECISION_KINDS : null));
        one.append(el("div", { className: "error" }));
        one.lastChild.dataset.field = path;
        one.append(button("Remove decision", () => model[i].decisions.splice(j, 1)));
        set.append(one);
      });
      set.append(button("Add decision", () => { model[i].decisions = [...(model[i].decisions || []), { kind: "decision" }]; }),
        " ", button("Remove item", () => model.splice(i, 1)));
      box.append(set);
    });
    box.append(button("Add item", () => model.push({})));
  };
  box.readItems = read;
  draw();
  return box;
}

function readForm(form, kind, before) {
  const entry = {};
  const items = form.querySelector(".items");
  if (items) entry.items = items.readItems();
  for (const field of form.elements) {
    if (!field.name) continue;
    let value = field.value.trim();
    if (state.lists.includes(field.name)) value = value ? value.split(",").map((v) => v.trim()).filter(Boolean) : [];
    else if (field.name === "value" && value !== "" && !isNaN(Number(value))) value = Number(value);
    entry[field.name] = value;
  }
  return entry;
}

function openEditor(id) {
  const card = state.cards.find((c) => c.id === id);
  const box = document.getElementById(`card-${id}`);
  box.querySelector("form")?.remove();
  const form = editorFor(card.kind, card.entry, async (entry) => {
    const answer = await call("POST", `/api/cards/${id}`, { entry, state: "accepted" });
    if (answer.ok) { changed(); replaceCard(answer.data); }
    else showProblems(box, answer.data.problems || []); // refused: the form stays, the card as it was
  });
  box.append(form);
  select(id, true);
  form.querySelector("input, select")?.focus();
}

// -- adding from a selection ---------------------------------------------------------------
function selectionSpan() {
  const sel = window.getSelection();
  if (!sel.rangeCount || sel.isCollapsed) return null;
  const pre = document.getElementById("text");
  const range = sel.getRangeAt(0);
  if (!pre.contains(range.startContainer) || !pre.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.setStart(pre, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  return [start, start + range.toString().length];
}

// The span shown when the adder appeared: pressing its button may collapse the selection first.
let offeredSpan = null;

function addFromSelection() {
  const span = selectionSpan() || offeredSpan;
  offeredSpan = null;
  const kind = document.getElementById("add-kind").value;
  document.getElementById("adder").hidden = true;
  if (!span) return;
  const box = el("div", { className: "card", id: "card-new" });
  box.append(el("div", { className: "what", textContent: `new ${kind}` }), el("div", { className: "error card-error" }));
  const form = editorFor(kind, {}, async (entry) => {
    const answer = await call("POST", "/api/cards", { kind, entry, span });
    if (answer.ok) { changed(); replaceCard(answer.data); }
    else showProblems(box, answer.data.problems || []);
  });
  box.append(form);
  document.getElementById("facts").prepend(box);
  form.querySelector("input, select")?.focus();
}

document.addEventListener("mouseup", (ev) => {
  const adder = document.getElementById("adder");
  if (adder.contains(ev.target)) return;
  const span = selectionSpan();
  offeredSpan = span;
  adder.hidden = !span;
  if (span) { adder.style.left = `${ev.pageX + 8}px`; adder.style.top = `${ev.pageY + 8}px`; }
});

// -- keys and saving -----------------------------------------------------------------------
function step(by) {
  const ids = state.cards.map((c) => c.id);
  const at = ids.indexOf(current);
  select(ids[Math.max(0, Math.min(ids.length - 1, at < 0 ? 0 : at + by))]);
}

document.addEventListener("keydown", (ev) => {
  if (ev.target.closest("input, select, textarea")) {
    if (ev.key === "Escape") renderFacts();
    return;
  }
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const keys = { j: () => step(1), k: () => step(-1), a: () => current && setState(current, "accepted"),
    r: () => current && setState(current, "rejected"), e: () => current && openEditor(current), u: undo,
    Escape: () => renderFacts() };
  if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
});

async function undo() {
  if (!state) return;
  const status = document.getElementById("status");
  const answer = await call("POST", "/api/undo", {});
  if (!answer.ok) { status.textContent = (answer.data.problems || []).map((p) => p.rule).join("; "); return; }
  const was = current;
  await loadReview();
  status.textContent = "undone";
  if (answer.data.card) select(answer.data.card.id);
  else if (was && state.cards.some((c) => c.id === was)) select(was);
}

document.getElementById("undo").addEventListener("click", undo);

document.getElementById("save").addEventListener("click", async () => {
  const status = document.getElementById("status");
  status.textContent = "saving and publishing …";
  const answer = await call("POST", "/api/save", {});
  if (answer.ok) {
    state.unsaved = false;
    status.textContent = `published ${answer.data.path} as build ${answer.data.build_id}`;
  } else {
    status.textContent = "not saved: " + (answer.data.problems || [{ field: "", rule: answer.data.detail }])
      .map((p) => `${p.field} ${p.rule}${p.hint ? ` (${p.hint})` : ""}`.trim()).join("; ");
  }
});

document.getElementById("add-go").addEventListener("click", addFromSelection);

// Leaving with changes not yet saved into data/minutes/: the browser asks first.
window.addEventListener("beforeunload", (ev) => {
  if (state && state.unsaved) { ev.preventDefault(); ev.returnValue = ""; }
});

// -- opening minutes -----------------------------------------------------------------------
function leaveUnsaved() {
  return !(state && state.unsaved) || confirm("The changes to this review are not saved. Open another document anyway?");
}

async function loadDocuments() {
  const answer = await call("GET", "/api/documents");
  document.getElementById("max-size").textContent = `${Math.round(answer.data.max_bytes / 2 ** 20)} MB`;
  const list = document.getElementById("drafts");
  list.replaceChildren();
  for (const d of answer.data.drafts) {
    const open = el("button", { type: "button", textContent: "Open" });
    open.addEventListener("click", () => openDraft(d.name));
    const item = el("li", { className: d.open ? "open" : "" }, open, " ",
      el("span", { className: "draft-title", textContent: d.title }), ` — ${d.name}, from ${d.input || "?"}, ${d.modified}`);
    item.dataset.name = d.name;
    list.append(item);
  }
  if (!answer.data.drafts.length) list.append(el("li", { textContent: "none yet: upload minutes above" }));
  return answer.data;
}

async function opened(answer) {
  const status = document.getElementById("open-status");
  if (!answer.ok) { status.textContent = answer.data.detail || "could not open it"; return; }
  status.textContent = "";
  state = null;
  current = null;
  for (const id of Object.keys(refused)) delete refused[id];
  document.getElementById("status").textContent = "";
  await loadReview();
  await loadDocuments();
  document.getElementById("documents").open = false;
}

async function openDraft(name) {
  if (!leaveUnsaved()) return;
  await opened(await call("POST", "/api/open", { name }));
}

document.getElementById("upload").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const file = document.getElementById("file").files[0];
  const status = document.getElementById("open-status");
  if (!file || !leaveUnsaved()) return;
  status.textContent = `drafting ${file.name} …`;
  const answer = await fetch("/api/upload", { method: "POST", body: file, headers: {
    "X-Curate-Token": TOKEN, "Content-Type": "application/octet-stream", "X-File-Name": encodeURIComponent(file.name) } });
  await opened({ ok: answer.ok, data: await answer.json() });
});

async function loadReview() {
  const answer = await call("GET", "/api/review");
  if (!answer.ok) return false;
  state = answer.data;
  document.getElementById("doc-title").textContent = state.source.title || state.source.id;
  document.getElementById("target").textContent = `saves to ${state.target}` +
    (state.replaces ? " (replacing the file there)" : "");
  document.getElementById("save").disabled = false;
  document.getElementById("undo").disabled = !state.undo;
  const kinds = document.getElementById("add-kind");
  kinds.replaceChildren(...state.sections.map((s) => el("option", { value: s, textContent: s })));
  renderText();
  renderFacts();
  if (!current && state.cards.length) select(state.cards[0].id, false);
  return true;
}

(async () => {
  await loadDocuments();
  if (!(await loadReview())) document.getElementById("documents").open = true;
  document.body.dataset.ready = "true";
})();

// The query page: SPARQL highlighting over the textarea, example queries one click away, and
// results fetched from the endpoint and shown in place as a table with paging and downloads,
// IRIs with their labels beside them; the query kept in the page's URL, to share; errors with
// their line and column, which a click selects in the query.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  if (!form) return;
  var textarea = document.getElementById("query-text");
  var highlight = document.getElementById("query-highlight");
  var errorBox = document.getElementById("query-error");
  var results = document.getElementById("results");
  var summary = document.getElementById("results-summary");
  var tableBox = document.getElementById("results-table");
  var pager = document.getElementById("results-pager");
  var downloads = document.getElementById("downloads");
  var endpoint = form.getAttribute("data-endpoint");
  var idBase = form.getAttribute("data-id-base");
  var pageUrl = form.getAttribute("data-page");
  var labels = {};  // IRI → label (or null: none), fetched for the rows shown
  var localId = form.getAttribute("data-local-id");
  var PAGE_ROWS = 25;
  var state = { head: [], rows: [], page: 0 };

  // -- highlighting: one pass of a tokenising regular expression -------------------------------
  var KEYWORDS = /^(select|construct|describe|ask|where|from|named|graph|optional|union|minus|filter|bind|values|as|order|by|group|having|limit|offset|distinct|reduced|prefix|base|service|exists|not|in|asc|desc|a|true|false|undef|count|sum|min|max|avg|sample|group_concat|separator|str|lang|langmatches|datatype|bound|iri|uri|bnode|isiri|isuri|isblank|isliteral|isnumeric|regex|replace|strstarts|strends|contains|lcase|ucase|concat|substr|strlen|coalesce|if|year|month|day|now|sameterm|encode_for_uri)$/i;
  var TOKEN = /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|([?$][A-Za-z_][\w]*)|([A-Za-z][\w.-]*)?:([\w.-]*[\w-])?|([A-Za-z_][\w]*)|(\d+(?:\.\d+)?)|([{}()\[\].;,*=<>!&|+\/-]+)/g;

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function span(cls, s) { return '<span class="tok-' + cls + '">' + escapeHtml(s) + "</span>"; }

  function highlightSparql(text) {
    var out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out += escapeHtml(text.slice(last, m.index));
      if (m[1]) out += span("comment", m[0]);
      else if (m[2]) out += span("string", m[0]);
      else if (m[3]) out += span("iri", m[0]);
      else if (m[4]) out += span("var", m[0]);
      else if (m[0].indexOf(":") >= 0 && !m[7] && !m[8] && !m[9]) out += span("pname", m[0]);
      else if (m[7]) out += KEYWORDS.test(m[7]) ? span("keyword", m[7]) : escapeHtml(m[7]);
      else if (m[8]) out += span("number", m[0]);
      else out += span("punct", m[0]);
      last = TOKEN.lastIndex;
    }
    return out + escapeHtml(text.slice(last)) + "\n";
  }

  function refresh() {
    highlight.innerHTML = highlightSparql(textarea.value);
    textarea.style.height = "auto";   // grow with the query, so that the overlay never scrolls apart
    textarea.style.height = textarea.scrollHeight + 2 + "px";
    syncScroll();
  }
  function syncScroll() {
    var pre = highlight.parentNode;
    pre.scrollTop = textarea.scrollTop;
    pre.scrollLeft = textarea.scrollLeft;
  }
  textarea.addEventListener("input", refresh);
  textarea.addEventListener("scroll", syncScroll);
  refresh();

  // -- running ---------------------------------------------------------------------------------
  function showError(message, problem) {
    errorBox.textContent = message;
    if (problem && problem.line) {
      var go = document.createElement("button");
      go.type = "button";
      go.className = "secondary";
      go.textContent = "Show line " + problem.line + ", column " + problem.column;
      go.addEventListener("click", function () { select(problem.line, problem.column); });
      errorBox.appendChild(document.createTextNode(" "));
      errorBox.appendChild(go);
    }
    errorBox.hidden = false;
    results.hidden = true;
  }

  function select(line, column) {
    var lines = textarea.value.split("\n"), at = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    at = Math.min(at + column - 1, textarea.value.length);
    textarea.focus();
    textarea.setSelectionRange(at, Math.min(at + 1, textarea.value.length));
  }

  // -- the query in the page's URL: the address bar (and the link) can be shared ---------------
  function shareUrl() {
    return pageUrl + "?" + new URLSearchParams({ query: textarea.value }).toString();
  }
  function keepInUrl() {
    if (pageUrl && location.pathname === pageUrl) history.replaceState(null, "", shareUrl());
    var link = document.getElementById("share-link");
    if (link) { link.href = shareUrl(); link.hidden = false; }
  }

  // -- labels beside IRIs, asked of the endpoint for the rows shown -----------------------------
  var SAFE_IRI = /^[^<>"{}|^`\\\s]+$/;
  function labelPage() {
    var wanted = [];
    tableBox.querySelectorAll("a[data-iri]").forEach(function (a) {
      var iri = a.getAttribute("data-iri");
      if (!(iri in labels) && SAFE_IRI.test(iri) && wanted.indexOf(iri) < 0) wanted.push(iri);
    });
    if (!wanted.length) { showLabels(); return; }
    var query = "SELECT ?s (SAMPLE(?name) AS ?label) WHERE { VALUES ?s { " +
      wanted.map(function (iri) { return "<" + iri + ">"; }).join(" ") + " } " +
      "OPTIONAL { ?s skos:prefLabel ?p } OPTIONAL { ?s rdfs:label ?r } BIND (COALESCE(?p, ?r) AS ?name) } GROUP BY ?s";
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: new URLSearchParams({ query: query }).toString()
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      wanted.forEach(function (iri) { labels[iri] = null; });
      if (data) data.results.bindings.forEach(function (b) {
        if (b.label) labels[b.s.value] = b.label.value;
      });
      showLabels();
    }).catch(function () { /* labels are a help, not the answer */ });
  }
  function showLabels() {
    tableBox.querySelectorAll("a[data-iri]").forEach(function (a) {
      var iri = a.getAttribute("data-iri"), label = labels[iri];
      if (!label || a.getAttribute("data-labelled")) return;
      a.textContent = label;
      a.setAttribute("data-labelled", "true");
      var code = document.createElement("code");
      code.className = "iri";
      code.textContent = iri;  // kept in full, to copy
      a.parentNode.appendChild(code);
    });
  }

  function downloadLink(label, format) {
    var a = document.createElement("a");
    a.href = endpoint + "?" + new URLSearchParams({ query: textarea.value, format: format }).toString();
    a.textContent = label;
    a.setAttribute("download", "results." + (format === "ttl" ? "ttl" : format === "jsonld" ? "jsonld" : format));
    return a;
  }

  function setDownloads(kind) {
    downloads.textContent = "Download: ";
    var formats = kind === "graph" ? [["Turtle", "ttl"], ["N-Triples", "nt"], ["JSON-LD", "jsonld"]]
                                   : [["CSV", "csv"], ["JSON", "json"], ["TSV", "tsv"]];
    formats.forEach(function (f, i) {
      if (i) downloads.appendChild(document.createTextNode(" · "));
      downloads.appendChild(downloadLink(f[0], f[1]));
    });
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.href = term.value.indexOf(idBase) === 0 ? localId + term.value.slice(idBase.length) : term.value;
      a.textContent = term.value;
      a.setAttribute("data-iri", term.value);
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"] || term.datatype) {
        var small = document.createElement("span");
        small.className = "muted";
        small.textContent = term["xml:lang"] ? " @" + term["xml:lang"] : " (" + term.datatype.replace(/^.*[#/]/, "") + ")";
        td.appendChild(small);
      }
    }
    return td;
  }

  function renderPage() {
    var start = state.page * PAGE_ROWS, rows = state.rows.slice(start, start + PAGE_ROWS);
    var table = document.createElement("table");
    var thead = table.createTHead().insertRow();
    state.head.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      thead.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      state.head.forEach(function (name) { tr.appendChild(cell(row[name])); });
    });
    tableBox.innerHTML = "";
    tableBox.appendChild(table);
    var total = state.rows.length;
    summary.textContent = total === 0 ? "No rows." :
      "Rows " + (start + 1) + "–" + (start + rows.length) + " of " + total + (state.truncated ? " (cut at the result limit)" : "");
    pager.hidden = total <= PAGE_ROWS;
    document.getElementById("page-prev").disabled = state.page === 0;
    document.getElementById("page-next").disabled = start + PAGE_ROWS >= total;
    labelPage();
  }

  function showSolutions(data, truncated) {
    if (typeof data.boolean === "boolean") {
      state = { head: [], rows: [], page: 0 };
      tableBox.innerHTML = "";
      pager.hidden = true;
      summary.textContent = "Answer: " + (data.boolean ? "yes" : "no");
      setDownloads("solutions");
      return;
    }
    state = { head: data.head.vars || [], rows: data.results.bindings || [], page: 0, truncated: truncated };
    setDownloads("solutions");
    renderPage();
  }

  var NT_LINE = /^(<[^>]*>|_:\S+)\s+(<[^>]*>)\s+(.*)\s+\.\s*$/;
  function ntTerm(text) {
    if (text.charAt(0) === "<") return { type: "uri", value: text.slice(1, -1) };
    var m = /^"((?:[^"\\]|\\.)*)"(.*)$/.exec(text);
    return m ? { type: "literal", value: JSON.parse('"' + m[1] + '"') } : { type: "bnode", value: text };
  }
  function showTriples(text, truncated) {
    var rows = [];
    text.split("\n").forEach(function (line) {
      var m = NT_LINE.exec(line);
      if (m) rows.push({ subject: ntTerm(m[1]), predicate: ntTerm(m[2]), object: ntTerm(m[3]) });
    });
    state = { head: ["subject", "predicate", "object"], rows: rows, page: 0, truncated: truncated };
    setDownloads("graph");
    renderPage();
  }

  function run() {
    keepInUrl();
    errorBox.hidden = true;
    summary.textContent = "Running…";
    results.hidden = false;
    var button = document.getElementById("run-query");
    button.disabled = true;
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, application/n-triples;q=0.9" },
      body: new URLSearchParams({ query: textarea.value }).toString()
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      var truncated = response.headers.get("CSPKG-Results-Truncated") === "true";
      if (!response.ok) {
        return response.text().then(function (body) {
          var detail = body, problem = null;
          try { problem = JSON.parse(body); detail = problem.detail || body; } catch (e) { /* not problem+json */ }
          showError("The query failed (" + response.status + "): " + detail, problem);
        });
      }
      if (type.indexOf("n-triples") >= 0) return response.text().then(function (t) { showTriples(t, truncated); });
      return response.json().then(function (d) { showSolutions(d, truncated); });
    }).catch(function (e) {
      showError("The query could not be sent: " + e.message);
    }).finally(function () { button.disabled = false; });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
  document.getElementById("page-prev").addEventListener("click", function () { state.page--; renderPage(); });
  document.getElementById("page-next").addEventListener("click", function () { state.page++; renderPage(); });

  // -- examples: a click opens the example and runs it ----------------------------------------
  var examples = {};
  var data = document.getElementById("example-queries");
  if (data) JSON.parse(data.textContent).forEach(function (e) { examples[e.name] = e; });
  document.querySelectorAll("a[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var example = examples[link.getAttribute("data-example")];
      if (!example) return;
      event.preventDefault();
      textarea.value = example.query;
      refresh();
      document.querySelectorAll("a[data-example]").forEach(function (l) { l.removeAttribute("aria-current"); });
      link.setAttribute("aria-current", "true");
      textarea.focus();
      run();
      history.replaceState(null, "", link.href);  // the example's own, shorter, address
    });
  });

  // A shared address (?query=...) shows its answer at once.
  if (pageUrl && location.pathname === pageUrl && new URLSearchParams(location.search).has("query")) run();
})();

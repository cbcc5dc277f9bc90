// The /query page: a SPARQL editor (CodeMirror 6, api/static/editor.js) with the example
// queries, runs against /sparql, and shows the results as a table (labels beside IRIs, links to
// the entity pages), a bar chart or a timeline when the columns allow it; downloads CSV, TSV or
// JSON; shares the query as a URL (/query?query=...). Every value from the store is inserted
// as text or as an SVG attribute, never as HTML: values come from documents.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger", "positiveInteger"]
    .map(function (t) { return XSD + t; });
  const DATES = [XSD + "date", XSD + "gYearMonth", XSD + "gYear", XSD + "dateTime"];
  const DOWNLOADS = {
    csv: { accept: "text/csv", suffix: "csv" },
    tsv: { accept: "text/tab-separated-values", suffix: "tsv" },
    json: { accept: "application/sparql-results+json", suffix: "json" },
  };

  const textarea = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const views = document.getElementById("views");
  const description = document.getElementById("example-description");
  const shareBox = document.getElementById("share-url");
  const idBase = results.dataset.idBase || "";
  let examples = [];
  let last = null; // {data, labels}
  let view = "table";

  // The editor replaces the plain text box (which stays the form field without JavaScript).
  let editor = null;
  function text() { return editor ? editor.getValue() : textarea.value; }
  function setText(value) {
    if (editor) { editor.setValue(value); } else { textarea.value = value; }
    textarea.value = value;
  }

  function el(name, attrs, children) {
    const node = document.createElement(name);
    Object.entries(attrs || {}).forEach(function (kv) {
      if (kv[0] === "text") { node.textContent = kv[1]; } else { node.setAttribute(kv[0], kv[1]); }
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }
  function svg(name, attrs, content) {
    const node = document.createElementNS(SVG, name);
    Object.entries(attrs || {}).forEach(function (kv) { node.setAttribute(kv[0], String(kv[1])); });
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function localHref(iri) {
    return idBase && iri.startsWith(idBase) ? "/id/" + iri.slice(idBase.length) : null;
  }

  function show(example) {
    setText(example.query);
    description.textContent = example.description;
    clearResults();
    history.replaceState(null, "", "/query?example=" + encodeURIComponent(example.id));
  }

  function clearResults() {
    results.replaceChildren();
    views.hidden = true;
    status.textContent = "";
    last = null;
  }

  // --- results ------------------------------------------------------------------------------
  function cell(term, labels) {
    const td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      const href = localHref(term.value);
      const label = labels[term.value];
      const a = el("a", { href: href || term.value, text: label || term.value });
      td.appendChild(a);
      if (label) { td.appendChild(el("small", { class: "iri", text: term.value })); }
    } else {
      td.textContent = term.value;
      if (term.datatype && DATES.indexOf(term.datatype) < 0 && NUMERIC.indexOf(term.datatype) < 0) {
        td.title = term.datatype;
      }
    }
    return td;
  }

  function table(data, labels) {
    const vars = data.head.vars || [];
    const t = el("table", { class: "results" });
    const head = t.createTHead().insertRow();
    vars.forEach(function (v) { head.appendChild(el("th", { text: v })); });
    const body = t.createTBody();
    data.results.bindings.forEach(function (b) {
      const tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(b[v], labels)); });
    });
    return el("div", { class: "table-scroll" }, [t]);
  }

  function columnOf(data, test) {
    const vars = data.head.vars || [];
    const rows = data.results.bindings;
    return vars.find(function (v) {
      const values = rows.map(function (b) { return b[v]; }).filter(Boolean);
      return values.length > 0 && values.every(test);
    });
  }
  const isNumber = function (t) { return t.type === "literal" && NUMERIC.indexOf(t.datatype) >= 0; };
  const isDate = function (t) { return t.type === "literal" && DATES.indexOf(t.datatype) >= 0; };

  function nameOf(binding, vars, skip, labels) {
    const v = vars.find(function (x) { return x !== skip && binding[x]; });
    if (!v) { return ""; }
    const term = binding[v];
    return term.type === "uri" ? labels[term.value] || term.value : term.value;
  }

  // A bar chart: one bar per row, for results with a numeric column (counts per type...).
  function barChart(data, labels) {
    const vars = data.head.vars || [];
    const number = columnOf(data, isNumber);
    const rows = data.results.bindings.filter(function (b) { return b[number]; }).slice(0, 60);
    const max = Math.max.apply(null, rows.map(function (b) { return Number(b[number].value); }).concat([1]));
    const rowHeight = 24;
    const width = 640;
    const labelWidth = 220;
    const chart = svg("svg", { viewBox: "0 0 " + width + " " + (rows.length * rowHeight + 8), class: "bar-chart", role: "img",
      "aria-label": "bar chart of " + number });
    rows.forEach(function (b, i) {
      const value = Number(b[number].value);
      const y = 4 + i * rowHeight;
      const w = Math.max(1, (width - labelWidth - 60) * value / max);
      const name = nameOf(b, vars, number, labels);
      chart.appendChild(svg("text", { x: labelWidth - 6, y: y + 15, class: "bar-label", "text-anchor": "end" },
        name.length > 34 ? name.slice(0, 33) + "…" : name));
      chart.appendChild(svg("rect", { x: labelWidth, y: y + 3, width: w.toFixed(1), height: rowHeight - 8, class: "bar" }));
      chart.appendChild(svg("text", { x: labelWidth + w + 6, y: y + 15, class: "bar-value" }, String(value)));
    });
    return chart;
  }

  function dayOf(value) {
    const parts = value.slice(0, 10).split("-");
    const y = Number(parts[0]); const m = parts[1] ? Number(parts[1]) - 1 : 0; const d = parts[2] ? Number(parts[2]) : 1;
    return Date.UTC(y, m, d);
  }

  // A timeline: one mark per row on a date axis, for results with a date column. On a narrow
  // screen it is a list in date order (an axis 390 px wide is unreadable).
  function timeline(data, labels) {
    const vars = data.head.vars || [];
    const dateVar = columnOf(data, isDate);
    const rows = data.results.bindings.filter(function (b) { return b[dateVar]; })
      .sort(function (a, b) { return a[dateVar].value < b[dateVar].value ? -1 : 1; }).slice(0, 200);
    const wrap = el("div", { class: "result-timeline" });
    const times = rows.map(function (b) { return dayOf(b[dateVar].value); });
    const start = Math.min.apply(null, times); const end = Math.max.apply(null, times);
    const span = Math.max(end - start, 86400000);
    const width = 900; const rowHeight = 22; const left = 20; const right = 260;
    const chart = svg("svg", { viewBox: "0 0 " + width + " " + (rows.length * rowHeight + 40), class: "timeline-chart",
      role: "img", "aria-label": "timeline of " + dateVar });
    chart.appendChild(svg("line", { x1: left, y1: 20, x2: width - right, y2: 20, class: "axis" }));
    [start, start + span / 2, end].forEach(function (t, i) {
      const x = left + (t - start) / span * (width - left - right);
      chart.appendChild(svg("text", { x: x, y: 14, class: "tick", "text-anchor": i === 0 ? "start" : i === 2 ? "end" : "middle" },
        new Date(t).toISOString().slice(0, 10)));
    });
    const list = el("ol", { class: "timeline-list" });
    rows.forEach(function (b, i) {
      const x = left + (times[i] - start) / span * (width - left - right);
      const y = 36 + i * rowHeight;
      const name = nameOf(b, vars, dateVar, labels);
      chart.appendChild(svg("line", { x1: x, y1: 20, x2: x, y2: y, class: "stem" }));
      chart.appendChild(svg("circle", { cx: x, cy: y, r: 4, class: "mark" }));
      chart.appendChild(svg("text", { x: x + 8, y: y + 4, class: "mark-label" }, b[dateVar].value + "  " + name));
      list.appendChild(el("li", {}, [el("time", { text: b[dateVar].value }), document.createTextNode(" " + name)]));
    });
    wrap.appendChild(chart);
    wrap.appendChild(list);
    return wrap;
  }

  function render() {
    if (!last) { return; }
    const data = last.data;
    results.replaceChildren();
    const chartable = columnOf(data, isNumber);
    const datable = columnOf(data, isDate);
    document.getElementById("view-chart").disabled = !chartable;
    document.getElementById("view-timeline").disabled = !datable;
    if ((view === "chart" && !chartable) || (view === "timeline" && !datable)) { view = "table"; }
    views.querySelectorAll("button[data-view]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.view === view ? "true" : "false");
    });
    if (view === "chart") { results.appendChild(barChart(data, last.labels)); }
    else if (view === "timeline") { results.appendChild(timeline(data, last.labels)); }
    else { results.appendChild(table(data, last.labels)); }
  }

  async function labelsFor(data) {
    const iris = new Set();
    data.results.bindings.forEach(function (b) {
      Object.values(b).forEach(function (t) { if (t.type === "uri" && localHref(t.value)) { iris.add(t.value); } });
    });
    if (!iris.size) { return {}; }
    try {
      const r = await fetch("/api/labels", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(Array.from(iris).slice(0, 1000)),
      });
      return r.ok ? (await r.json()).labels : {};
    } catch (err) {
      return {};
    }
  }

  async function run() {
    status.textContent = "Running…";
    results.replaceChildren();
    views.hidden = true;
    const started = performance.now();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle;q=0.5" },
        body: text(),
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        status.textContent = "Error " + response.status + ": " + (await response.text()).slice(0, 500);
        return;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (type.indexOf("json") >= 0) {
        const data = await response.json();
        if (typeof data.boolean === "boolean") {
          status.textContent = "Answer: " + data.boolean + " (" + seconds + " s)";
          return;
        }
        const rows = data.results.bindings.length;
        const cut = response.headers.get("X-Truncated") ? " (cut at the row cap)" : "";
        status.textContent = rows + " row" + (rows === 1 ? "" : "s") + cut + " in " + seconds + " s";
        last = { data: data, labels: await labelsFor(data) };
        views.hidden = false;
        render();
      } else {
        status.textContent = "Graph result in " + seconds + " s";
        results.appendChild(el("pre", { text: await response.text() }));
      }
    } catch (err) {
      status.textContent = "Could not reach the endpoint: " + err;
    }
  }

  // --- share and download -----------------------------------------------------------------
  function share() {
    const url = new URL("/query", window.location.href);
    url.searchParams.set("query", text());
    history.replaceState(null, "", url.pathname + url.search);
    shareBox.value = url.href;
    shareBox.hidden = false;
    shareBox.select();
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(url.href).catch(function () {}); }
    status.textContent = "The address of this query is in the box (and the address bar): copy it to share.";
  }

  async function download(kind) {
    const spec = DOWNLOADS[kind];
    status.textContent = "Preparing " + kind.toUpperCase() + "…";
    const response = await fetch("/sparql", {
      method: "POST", headers: { "Content-Type": "application/sparql-query", "Accept": spec.accept }, body: text(),
    });
    if (!response.ok) {
      status.textContent = "Error " + response.status + ": " + (await response.text()).slice(0, 500);
      return;
    }
    const blob = await response.blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: "casegraph-results." + spec.suffix });
    document.body.appendChild(a);
    a.click();
    a.remove();
    status.textContent = kind.toUpperCase() + " downloaded.";
  }

  // --- wiring -------------------------------------------------------------------------------
  async function start() {
    const [exampleList, vocabulary] = await Promise.all([
      fetch("/api/examples").then(function (r) { return r.json(); }),
      fetch("/api/vocabulary").then(function (r) { return r.json(); }).catch(function () { return { prefixes: {}, terms: {} }; }),
    ]);
    examples = exampleList.items;
    if (window.CaseGraphEditor) {
      const host = document.getElementById("editor");
      editor = window.CaseGraphEditor.create(host, {
        doc: textarea.value, prefixes: vocabulary.prefixes, terms: vocabulary.terms, onRun: run,
        onChange: function (value) { textarea.value = value; },
      });
      textarea.hidden = true;
      host.hidden = false;
    }
    document.querySelectorAll("button.example").forEach(function (button) {
      button.addEventListener("click", function () {
        const example = examples.find(function (e) { return e.id === button.dataset.example; });
        if (example) { show(example); }
      });
    });
    const params = new URLSearchParams(window.location.search);
    if (!params.get("query") && !params.get("example") && examples.length && !text().trim()) { show(examples[0]); }
    const chosen = params.get("example") && examples.find(function (e) { return e.id === params.get("example"); });
    if (chosen) { description.textContent = chosen.description; }
    document.body.classList.add("editor-ready");
  }

  document.getElementById("run").addEventListener("click", run);
  document.getElementById("share").addEventListener("click", share);
  document.querySelectorAll("button[data-download]").forEach(function (b) {
    b.addEventListener("click", function () { download(b.dataset.download); });
  });
  views.querySelectorAll("button[data-view]").forEach(function (b) {
    b.addEventListener("click", function () { view = b.dataset.view; render(); });
  });
  textarea.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { run(); }
  });
  start();
})();

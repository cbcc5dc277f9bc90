// The /query page: load an example into the editor, run it against /sparql, show the table.
// Results are inserted as text nodes only, never as HTML: values come from documents.
(function () {
  "use strict";
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const editor = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const description = document.getElementById("example-description");
  const idBase = results.dataset.idBase || "";

  function show(example) {
    editor.value = example.query;
    description.textContent = example.description;
    results.replaceChildren();
    status.textContent = "";
  }

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      const example = examples.find(function (e) { return e.id === button.dataset.example; });
      if (example) { show(example); }
    });
  });

  function cell(term) {
    const td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      const a = document.createElement("a");
      // IRIs minted here open as pages of this server; others as they are.
      a.href = idBase && term.value.startsWith(idBase) ? "/id/" + term.value.slice(idBase.length) : term.value;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
    return td;
  }

  function table(data) {
    const vars = data.head.vars || [];
    const t = document.createElement("table");
    t.className = "results";
    const head = t.createTHead().insertRow();
    vars.forEach(function (v) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    const body = t.createTBody();
    data.results.bindings.forEach(function (b) {
      const tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
    });
    return t;
  }

  async function run() {
    status.textContent = "Running…";
    results.replaceChildren();
    const started = performance.now();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle;q=0.5" },
        body: editor.value,
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
        results.appendChild(table(data));
      } else {
        const pre = document.createElement("pre");
        pre.textContent = await response.text();
        status.textContent = "Graph result in " + seconds + " s";
        results.appendChild(pre);
      }
    } catch (err) {
      status.textContent = "Could not reach the endpoint: " + err;
    }
  }

  document.getElementById("run").addEventListener("click", run);
  editor.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { run(); }
  });
  if (examples.length && !editor.value.trim()) { show(examples[0]); }
})();

// The SPARQL editor of the /query page: CodeMirror 6 with the SPARQL mode of
// @codemirror/legacy-modes, bracket matching, history, search, and completion of prefixes
// (declarations and the terms of the project's own vocabulary). Built into
// api/static/editor.js; the page script (api/static/query.js) drives it.
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, placeholder } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, bracketMatching, syntaxHighlighting, defaultHighlightStyle, indentOnInput } from "@codemirror/language";
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

const KEYWORDS = [
  "SELECT", "DISTINCT", "REDUCED", "WHERE", "PREFIX", "BASE", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH",
  "BIND", "VALUES", "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "OFFSET", "ASC", "DESC", "COUNT", "SUM", "MIN",
  "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "CONSTRUCT", "DESCRIBE", "ASK", "FROM", "FROM NAMED", "EXISTS",
  "NOT EXISTS", "STR", "LANG", "DATATYPE", "IRI", "BOUND", "COALESCE", "IF", "CONTAINS", "STRSTARTS", "REGEX",
  "LCASE", "UCASE", "YEAR", "MONTH",
];

// Completions: `PREFIX x` proposes the known prefixes with their namespace; `x:` proposes the
// terms of that namespace (and declares the prefix at the top if the query does not yet);
// a bare word proposes keywords and prefixes.
function completer(prefixes, terms) {
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const declaring = /^\s*PREFIX\s+([\w-]*)$/i.exec(before);
    if (declaring) {
      const from = context.pos - declaring[1].length;
      return {
        from,
        options: Object.entries(prefixes).map(([p, ns]) => ({
          label: `${p}:`, detail: ns, type: "namespace", apply: `${p}: <${ns}>`,
        })),
      };
    }
    const prefixed = context.matchBefore(/[A-Za-z][\w-]*:[\w-]*/);
    if (prefixed) {
      const [p] = prefixed.text.split(":");
      const ns = prefixes[p];
      if (!ns) return null;
      const localFrom = prefixed.from + p.length + 1;
      return {
        from: localFrom,
        validFor: /^[\w-]*$/,
        options: (terms[p] || []).map((t) => ({
          label: t.name, detail: t.label || "", info: t.comment || undefined, type: t.kind === "class" ? "class" : "property",
          apply: (view, completion, from, to) => {
            const changes = [{ from, to, insert: completion.label }];
            const text = view.state.doc.toString();
            if (!new RegExp(`PREFIX\\s+${p}:`, "i").test(text)) {
              changes.push({ from: 0, insert: `PREFIX ${p}: <${ns}>\n` });
            }
            view.dispatch({ changes });
          },
        })),
      };
    }
    const word = context.matchBefore(/[A-Za-z_]\w*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return {
      from: word.from,
      options: [
        ...KEYWORDS.map((k) => ({ label: k, type: "keyword" })),
        ...Object.keys(prefixes).map((p) => ({ label: `${p}:`, detail: prefixes[p], type: "namespace" })),
      ],
    };
  };
}

// The editor lives in a shadow root: CodeMirror then puts its styles in constructed style
// sheets (adoptedStyleSheets) instead of <style> elements, so the page runs under a
// Content-Security-Policy that allows no inline style (style-src 'self').
const THEME = EditorView.theme({
  "&": { minHeight: "14rem", maxHeight: "60vh", fontSize: "14px", backgroundColor: "#fff" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", lineHeight: "1.45" },
  "&.cm-focused": { outline: "2px solid #1f5f8b" },
  ".cm-gutters": { backgroundColor: "#f3f5f7", borderRight: "1px solid #d8dde2", color: "#5c6670" },
});

export function create(parent, options) {
  const opts = options || {};
  const run = opts.onRun || (() => {});
  const root = parent.shadowRoot || parent.attachShadow({ mode: "open" });
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: opts.doc || "",
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        StreamLanguage.define(sparql),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        autocompletion({ override: [completer(opts.prefixes || {}, opts.terms || {})], activateOnTyping: true }),
        placeholder(opts.placeholder || "SELECT ..."),
        keymap.of([
          { key: "Mod-Enter", run: () => { run(); return true; } },
          ...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab,
        ]),
        EditorView.contentAttributes.of({ "aria-label": opts.label || "SPARQL query", spellcheck: "false" }),
        EditorView.lineWrapping,
        THEME,
        EditorView.updateListener.of((update) => {
          if (update.docChanged && opts.onChange) opts.onChange(update.state.doc.toString());
        }),
        opts.nonce ? EditorView.cspNonce.of(opts.nonce) : [],
      ],
    }),
  });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
  };
}

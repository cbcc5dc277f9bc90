// Writes api/static/editor.LICENSES.txt: the licence of every package bundled into editor.js.
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("./node_modules/", import.meta.url).pathname;
const bundled = [];
for (const entry of readdirSync(root)) {
  if (entry.startsWith(".")) continue;
  const names = entry.startsWith("@") ? readdirSync(join(root, entry)).map((n) => `${entry}/${n}`) : [entry];
  for (const name of names) {
    const dir = join(root, name);
    const pkgFile = join(dir, "package.json");
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
    // Only what the editor bundle is made of: CodeMirror, Lezer and their small helpers.
    if (!/^(@codemirror|@lezer|@marijn)\//.test(name) && !["crelt", "style-mod", "w3c-keyname"].includes(name)) continue;
    const file = ["LICENSE", "LICENSE.md", "LICENSE.txt"].map((f) => join(dir, f)).find(existsSync);
    bundled.push({ name, version: pkg.version, licence: pkg.license, text: file ? readFileSync(file, "utf8").trim() : "" });
  }
}
bundled.sort((a, b) => a.name.localeCompare(b.name));
const header = "Licences of the packages bundled into editor.js (built by tools/editor: npm ci && npm run build)\n";
const body = bundled.map((p) => `\n==== ${p.name} ${p.version} (${p.licence}) ====\n\n${p.text}\n`).join("");
writeFileSync(new URL("../../api/static/editor.LICENSES.txt", import.meta.url), header + body);
console.log(`licences of ${bundled.length} packages written`);

// Builds src/editor.js into one self-contained file, api/static/editor.js (an IIFE that sets
// window.CaseGraphEditor): no module loader, no CDN, nothing fetched at run time.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  build: {
    lib: {
      entry: fileURLToPath(new URL("./src/editor.js", import.meta.url)),
      name: "CaseGraphEditor",
      formats: ["iife"],
      fileName: () => "editor.js",
    },
    outDir: fileURLToPath(new URL("../../api/static", import.meta.url)),
    emptyOutDir: false,
    minify: true,
    sourcemap: false,
  },
});

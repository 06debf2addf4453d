// lib/ is the shared layer: it may be used by views/, never the other way round. A lib file that
// imports a view would tie every view to that one (and, through i18n, to all of them).

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const srcDir = resolve(__dirname);
const libDir = join(srcDir, "lib");
const viewsDir = join(srcDir, "views");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(entry.name) ? [path] : [];
  });
}

/** Module specifiers of static imports, re-exports and dynamic `import()` in a source text. */
function importSpecifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;
  return [...source.matchAll(pattern)].map((m) => m[1]!);
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

/** The imports of `file` that resolve into views/ ("file → specifier"). */
function viewImports(file: string): string[] {
  return importSpecifiers(readFileSync(file, "utf8"))
    .filter((spec) => spec.startsWith("."))
    .filter((spec) => isUnder(resolve(dirname(file), spec), viewsDir))
    .map((spec) => `${relative(srcDir, file)} → ${spec}`);
}

describe("layering", () => {
  it("finds every kind of import it is meant to catch", () => {
    const source = [
      'import { a } from "../views/a";',
      "import type { B } from '../../views/b/messages.en';",
      'export { c } from "./c";',
      'import "./side-effect.css";',
      'const lazy = await import("../views/lazy");',
      "import {\n  d,\n  e,\n} from \"../views/d\";",
    ].join("\n");
    expect(importSpecifiers(source)).toEqual([
      "../views/a",
      "../../views/b/messages.en",
      "./c",
      "./side-effect.css",
      "../views/lazy",
      "../views/d",
    ]);
  });

  it("has no file under src/lib importing from src/views", () => {
    const files = sourceFiles(libDir);
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(viewImports)).toEqual([]);
  });
});

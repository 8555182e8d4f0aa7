// For developers (`deno task check`): the tree's shape, checked. Every
// source file stays under 400 lines, no two files import each other in a
// cycle, and imports between folders go only the ways the folders' READMEs
// state (the table below says the same thing as data). Prints one line per
// finding and exits 1 if there is any.
import { dirname, join, relative, resolve } from "node:path";

/** Most lines a source file may have. */
const MAX_LINES = 400;

/**
 * What each folder may import besides itself, from the READMEs of `engine/`,
 * `partition/`, `dist/` and `cli/`. Folders not listed (`cli/`, `bench/`,
 * `tests/`, the root `mod.ts`) may import anything.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  "engine": ["shaders"],
  "partition": ["engine/graph.ts", "engine/dataset.ts", "engine/link_split.ts"],
  "dist/rpc": [],
  "dist/cluster": ["dist/rpc", "engine"],
  "dist/graph": ["dist/rpc", "engine", "partition"],
  "dist/worker": ["dist/graph", "dist/rpc", "engine", "partition"],
  "dist/serving": ["dist/worker", "dist/graph", "dist/rpc", "engine", "partition"],
  "dist/dashboard": ["dist/cluster", "dist/rpc"],
};

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s*["']([^"']+)["']/g;

/**
 * The relative imports of a source file (doc-comment examples left out; a
 * Worker started from a file's URL is not an import of it).
 */
function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "");
  return [...code.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!)
    .filter((s) => s.startsWith("."));
}

/** The longest folder rule that covers `file`, if any. */
function ruleOf(file: string): string | undefined {
  return Object.keys(MAY_IMPORT).filter((f) => file.startsWith(f + "/"))
    .sort((a, b) => b.length - a.length)[0];
}

function within(file: string, place: string): boolean {
  return file === place || file.startsWith(place + "/");
}

async function sourceFiles(root: string): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"],
    cwd: root,
  }).output();
  if (!out.success) throw new Error(`git ls-files failed: ${new TextDecoder().decode(out.stderr)}`);
  const files = new TextDecoder().decode(out.stdout).split("\n").filter((f) => f.length > 0);
  const present = await Promise.all(
    files.map((f) => Deno.stat(join(root, f)).then(() => true, () => false)),
  );
  return files.filter((_, i) => present[i]);
}

/** Every finding of the three checks, one line each. */
export async function checkLayout(root: string): Promise<string[]> {
  const findings: string[] = [];
  const files = await sourceFiles(root);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = await Deno.readTextFile(join(root, file));
    const lines = source.split("\n").length - (source.endsWith("\n") ? 1 : 0);
    if (lines > MAX_LINES) findings.push(`${file}: ${lines} lines, more than ${MAX_LINES}`);
    const targets = importsOf(source).map((s) => relative(root, resolve(root, dirname(file), s)));
    graph.set(file, targets);
    const rule = ruleOf(file);
    if (rule === undefined) continue;
    for (const target of targets) {
      if (within(target, rule) || MAY_IMPORT[rule]!.some((p) => within(target, p))) continue;
      findings.push(
        `${file} imports ${target}: ${rule}/ may import only ${
          [rule, ...MAY_IMPORT[rule]!].join(", ")
        }`,
      );
    }
  }
  findings.push(...cycles(graph).map((c) => `import cycle: ${c.join(" -> ")}`));
  return findings;
}

/** One cycle per strongly connected group of files that import each other. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

if (import.meta.main) {
  const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
  const findings = await checkLayout(root);
  for (const f of findings) console.error(f);
  if (findings.length > 0) Deno.exit(1);
  console.log("layout: file sizes, import cycles and folder directions are as the READMEs say");
}

import assert from "node:assert/strict";
import { join } from "node:path";
import { checkLayout } from "../../cli/check_layout.ts";

/** A throwaway git checkout holding `files`. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "webgnn-layout-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(root, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  const git = await new Deno.Command("git", { args: ["init", "-q"], cwd: root }).output();
  assert.ok(git.success, "git init");
  return root;
}

Deno.test("checkLayout() passes a tree whose imports go the stated ways", async () => {
  const root = await tree({
    "dist/rpc/a.ts": 'import { b } from "./b.ts";\nexport const a = b;\n',
    "dist/rpc/b.ts": "export const b = 1;\n",
    "dist/graph/c.ts": 'import { a } from "../rpc/a.ts";\nimport "../../engine/e.ts";\n',
    "engine/e.ts": '/** ```ts\n * import { x } from "../cli/x.ts";\n * ``` */\nexport {};\n',
    "cli/x.ts": 'import "../dist/graph/c.ts";\n',
  });
  try {
    assert.deepEqual(await checkLayout(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("checkLayout() names a long file, an import against the direction, and a cycle", async () => {
  const root = await tree({
    "engine/long.ts": "export const x = 1;\n".repeat(401),
    "engine/p.ts": 'import { q } from "./q.ts";\nexport const p = q;\n',
    "engine/q.ts": 'import { p } from "./p.ts";\nexport const q = () => p;\n',
    "dist/rpc/r.ts": 'import { w } from "../cluster/w.ts";\nexport const r = w;\n',
    "dist/cluster/w.ts": "export const w = 1;\n",
    "engine/up.ts": 'export { r } from "../dist/rpc/r.ts";\n',
  });
  try {
    const findings = await checkLayout(root);
    assert.ok(findings.includes("engine/long.ts: 401 lines, more than 400"), findings.join("\n"));
    assert.ok(
      findings.includes(
        "dist/rpc/r.ts imports dist/cluster/w.ts: dist/rpc/ may import only dist/rpc",
      ),
      findings.join("\n"),
    );
    assert.ok(findings.some((f) => f.startsWith("engine/up.ts imports dist/rpc/r.ts")));
    assert.ok(
      findings.some((f) => /^import cycle: engine\/(p|q)\.ts -> .* -> engine\/(p|q)\.ts$/.test(f)),
      findings.join("\n"),
    );
    assert.equal(findings.length, 4, findings.join("\n"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// The README's library script, run as a user of another project runs it: from a directory outside
// the checkout, with no configuration of its own, importing the checkout's mod.ts by path.
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** The README writes the checkout's place as this; the test puts the real one in. */
const PLACEHOLDER = "/path/to/webgnn/mod.ts";

/** The one `ts` block of README.md that imports mod.ts, exactly as written there. */
async function readmeScript(): Promise<string> {
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
    .filter((b) => b.includes(PLACEHOLDER));
  assert.equal(blocks.length, 1, `README.md has one ts block importing ${PLACEHOLDER}`);
  return blocks[0]!;
}

Deno.test("every import reachable from mod.ts is relative, node: or a versioned npm: specifier", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "mod.ts"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string; dependencies?: { specifier: string }[] }[];
  };
  const bare = graph.modules.filter((m) => m.specifier.startsWith(`file://${ROOT}/`))
    .flatMap((m) =>
      (m.dependencies ?? []).map((d) => d.specifier)
        .filter((s) => !/^(\.|node:|npm:[^@]+@\d)/.test(s) && !/^npm:@[^/]+\/[^@]+@\d/.test(s))
        .map((s) => `${m.specifier.slice(ROOT.length + 8)} imports "${s}"`)
    );
  // A bare name resolves through our package.json, which a project importing mod.ts does not have.
  assert.deepEqual(bare, [], "write these as npm:NAME@VERSION (see package.json)");
  assert.ok(graph.modules.length > 100, `${graph.modules.length} modules`);
});

Deno.test("the README's script builds a graph from arrays, trains, saves and predicts, importing mod.ts from outside the checkout", async () => {
  const script = await readmeScript();
  const dir = await Deno.makeTempDir({ prefix: "webgnn-importer-" });
  try {
    assert.ok(!dir.startsWith(ROOT + "/"));
    await Deno.writeTextFile(`${dir}/script.ts`, script.replace(PLACEHOLDER, `${ROOT}/mod.ts`));
    const out = await new Deno.Command(Deno.execPath(), {
      // --check: an importer that type-checks must find every type, npm packages' included.
      args: ["run", "--check", "--allow-all", "script.ts"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const lines = stdout.trim().split("\n");
    assert.match(lines[0]!, /^test accuracy by epoch: (\d\.\d{3} ){4}\d\.\d{3}$/);
    const last = lines[1]!.match(/^classes of nodes 0-5: 0,1,2,0,1,2; test accuracy (\d+)\/120$/);
    assert.ok(last, stdout);
    assert.ok(Number(last[1]) >= 108, `${last[1]} of 120 test nodes right`);
    const saved = await Deno.readFile(`${dir}/toy.safetensors`);
    assert.ok(saved.length > 8 && new TextDecoder().decode(saved).includes("convs.1.lin_r.weight"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

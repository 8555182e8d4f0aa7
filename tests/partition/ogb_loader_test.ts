import assert from "node:assert/strict";
import { loadOgbDataset } from "../../partition/ogb_loader.ts";
import { OgbFormatError } from "../../partition/ogb_format_error.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";

async function writeText(path: string, text: string, gzip: boolean) {
  const bytes = new TextEncoder().encode(text);
  if (!gzip) return await Deno.writeTextFile(path, text);
  const stream = new Blob([bytes]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  await Deno.writeFile(path, new Uint8Array(await new Response(stream).arrayBuffer()));
}

interface Files {
  edge?: string;
  feat?: string;
  label?: string;
  train?: string;
  valid?: string;
  test?: string;
  numNodes?: string;
}

const base: Required<Omit<Files, "numNodes">> = {
  // 5 nodes; a duplicate (0,1)/(1,0), a self-loop (3,3), node 4 isolated
  edge: "0,1\n1,2\n1,0\n2,3\n3,3\n0,1\n",
  feat: "0.5,-1.25,3\n1e-3,2.5E2,-0.0625\n7,8,9\n-1.5,0,0.1\n1,2,3\n",
  label: "3\n0\n2.0\n\nnan\n",
  train: "0\n1\n",
  valid: "2\n",
  test: "3\n4\n",
};

async function makeDataset(files: Files, gzip = true, splitName = "sales_ranking") {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/raw`);
  await Deno.mkdir(`${root}/split/${splitName}`, { recursive: true });
  const ext = gzip ? ".csv.gz" : ".csv";
  const all = { ...base, ...files };
  await writeText(`${root}/raw/edge${ext}`, all.edge, gzip);
  await writeText(`${root}/raw/node-feat${ext}`, all.feat, gzip);
  await writeText(`${root}/raw/node-label${ext}`, all.label, gzip);
  if (all.numNodes !== undefined) {
    await writeText(`${root}/raw/num-node-list${ext}`, all.numNodes, gzip);
  }
  for (const part of ["train", "valid", "test"] as const) {
    await writeText(`${root}/split/${splitName}/${part}${ext}`, all[part], gzip);
  }
  return root;
}

async function withDataset(
  files: Files,
  body: (root: string) => Promise<void>,
  gzip = true,
) {
  const root = await makeDataset(files, gzip);
  try {
    await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function neighbours(ds: Awaited<ReturnType<typeof loadOgbDataset>>, v: number) {
  const g = ds.graph;
  return Array.from(g.indices.subarray(g.indptr[v]!, g.indptr[v + 1]!));
}

for (const gzip of [true, false]) {
  Deno.test(`loadOgbDataset() reads the OGB raw layout (${gzip ? "gzip" : "plain csv"})`, async () => {
    await withDataset({}, async (root) => {
      const ds = await loadOgbDataset(root, { quiet: true });
      assert.equal(ds.graph.numNodes, 5);
      assert.equal(ds.featureDim, 3);
      assert.deepEqual(
        Array.from(ds.features),
        [0.5, -1.25, 3, 1e-3, 250, -0.0625, 7, 8, 9, -1.5, 0, 0.1, 1, 2, 3].map(Math.fround),
      );
      assert.deepEqual(Array.from(ds.labels), [3, 0, 2, -1, -1]);
      assert.equal(ds.numClasses, 4);
      assert.deepEqual(Array.from(ds.split.train), [0, 1]);
      assert.deepEqual(Array.from(ds.split.valid), [2]);
      assert.deepEqual(Array.from(ds.split.test), [3, 4]);
    }, gzip);
  });
}

Deno.test("loadOgbDataset() loads edges both ways without duplicates or self-loops", async () => {
  await withDataset({}, async (root) => {
    const ds = await loadOgbDataset(root, { quiet: true });
    assert.deepEqual(neighbours(ds, 0), [1]);
    assert.deepEqual(neighbours(ds, 1), [0, 2]);
    assert.deepEqual(neighbours(ds, 2), [1, 3]);
    assert.deepEqual(neighbours(ds, 3), [2]);
    assert.deepEqual(neighbours(ds, 4), []);
    assert.equal(ds.graph.indices.length, 6);
  });
});

Deno.test("loadOgbDataset() takes the node count from num-node-list and checks it", async () => {
  await withDataset({ numNodes: "4\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      (e: unknown) =>
        e instanceof OgbFormatError && /node-feat\.csv\.gz/.test(e.message) &&
        /expected 4 rows/.test(e.message),
    );
  });
});

Deno.test("loadOgbDataset() handles CRLF line ends and a missing final newline", async () => {
  await withDataset({ edge: "0,1\r\n1,2\r\n2,3", train: "0\r\n1" }, async (root) => {
    const ds = await loadOgbDataset(root, { quiet: true });
    assert.equal(ds.graph.indices.length, 6);
    assert.deepEqual(Array.from(ds.split.train), [0, 1]);
  });
});

Deno.test("loadOgbDataset() names the file and line of a malformed edge", async () => {
  await withDataset({ edge: "0,1\n1,x\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      (e: unknown) =>
        e instanceof OgbFormatError && e.file === "raw/edge.csv.gz" && e.line === 2 &&
        /expected an integer in column 2, found 'x'/.test(e.message),
    );
  });
});

Deno.test("loadOgbDataset() rejects an edge to a node that does not exist", async () => {
  await withDataset({ edge: "0,1\n1,2\n2,9\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      (e: unknown) => e instanceof OgbFormatError && e.line === 3 && /0\.\.4/.test(e.message),
    );
  });
});

Deno.test("loadOgbDataset() rejects a feature row of the wrong width", async () => {
  await withDataset({ feat: "1,2,3\n4,5\n1,1,1\n1,1,1\n1,1,1\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      (e: unknown) =>
        e instanceof OgbFormatError && e.file === "raw/node-feat.csv.gz" && e.line === 2 &&
        /expected 3 columns, got 2/.test(e.message),
    );
  });
});

Deno.test("loadOgbDataset() rejects a label file with too few rows", async () => {
  await withDataset({ label: "1\n2\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      (e: unknown) =>
        e instanceof OgbFormatError && /node-label/.test(e.message) &&
        /expected 5 rows/.test(e.message),
    );
  });
});

Deno.test("loadOgbDataset() names a missing file", async () => {
  await withDataset({}, async (root) => {
    await Deno.remove(`${root}/split/sales_ranking/valid.csv.gz`);
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      (e: unknown) =>
        e instanceof OgbFormatError && /valid\.csv\.gz/.test(e.message) &&
        /missing file/.test(e.message),
    );
  });
});

Deno.test("loadOgbDataset() rejects a corrupt gzip stream naming the file", async () => {
  await withDataset({}, async (root) => {
    await Deno.writeFile(`${root}/raw/edge.csv.gz`, new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      (e: unknown) => e instanceof OgbFormatError && /edge\.csv\.gz/.test(e.message),
    );
  });
});

Deno.test("loadOgbDataset() reports progress through onProgress", async () => {
  await withDataset({}, async (root) => {
    const phases = new Set<string>();
    await loadOgbDataset(root, { onProgress: (phase) => phases.add(phase) });
    assert.ok(phases.has("raw/edge.csv.gz"), [...phases].join(","));
    assert.ok(phases.has("raw/node-feat.csv.gz"));
  });
});

Deno.test("loadOgbDataset() reproduces a synthetic dataset written in OGB format bit for bit", async () => {
  const ds = generateSynthetic({ scale: 0.001, seed: 9, quiet: true });
  const g = ds.graph;
  const edges: string[] = [];
  for (let u = 0; u < g.numNodes; u++) {
    for (let i = g.indptr[u]!; i < g.indptr[u + 1]!; i++) {
      if (u < g.indices[i]!) edges.push(`${g.indices[i]},${u}`);
    }
  }
  const feat: string[] = [];
  for (let v = 0; v < g.numNodes; v++) {
    feat.push(Array.from(ds.features.subarray(v * 100, v * 100 + 100)).join(","));
  }
  const root = await makeDataset({
    edge: edges.join("\n") + "\n",
    feat: feat.join("\n") + "\n",
    label: Array.from(ds.labels).join("\n") + "\n",
    train: Array.from(ds.split.train).join("\n") + "\n",
    valid: Array.from(ds.split.valid).join("\n") + "\n",
    test: Array.from(ds.split.test).join("\n") + "\n",
  });
  try {
    const back = await loadOgbDataset(root, { quiet: true });
    assert.deepEqual(back.graph.indptr, g.indptr);
    assert.deepEqual(back.graph.indices, g.indices);
    assert.deepEqual(back.features, ds.features);
    assert.deepEqual(back.labels, ds.labels);
    assert.deepEqual(back.split.test, ds.split.test);
    assert.equal(back.numClasses, 47);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

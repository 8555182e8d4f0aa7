import assert from "node:assert/strict";
import { loadOgbDataset } from "../../partition/ogb_loader.ts";
import { OgbFormatError } from "../../partition/ogb_format_error.ts";

// A link-prediction dataset in OGB's raw layout: 6 nodes, the message-passing
// graph in raw/edge, two-column split files, fixed negatives, and no labels
// unless a test writes them.
const base: Record<string, string> = {
  "raw/edge": "0,1\n1,2\n2,3\n",
  "raw/node-feat": "1,0\n0,1\n1,1\n2,0\n0,2\n3,3\n",
  "split/collab/train": "0,1\n1,2\n2,3\n",
  "split/collab/valid": "3,4\n",
  "split/collab/test": "4,5\n0,5\n",
  "split/collab/valid_neg": "0,4\n1,5\n",
  "split/collab/test_neg": "2,5\n",
};

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Writes `base` with `changes` (a null drops a file) and runs `body` on the directory. */
async function withDataset(
  changes: Record<string, string | null>,
  body: (root: string) => Promise<void>,
  plain = false,
): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    for (const [stem, text] of Object.entries({ ...base, ...changes })) {
      if (text === null) continue;
      const path = `${root}/${stem}.csv${plain ? "" : ".gz"}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeFile(path, plain ? new TextEncoder().encode(text) : await gzip(text));
    }
    await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const pairs = (e: { source: Int32Array; target: Int32Array } | undefined) =>
  e ? Array.from(e.source, (s, i) => [s, e.target[i]!]) : undefined;

/** An OgbFormatError naming `file` (and `line` when given) whose message matches `text`. */
const fails = (file: string, line: number | undefined, text: RegExp) => (e: unknown) => {
  assert.ok(e instanceof OgbFormatError, String(e));
  assert.equal(e.file, file, e.message);
  assert.equal(e.line, line, e.message);
  assert.match(e.message, text);
  return true;
};

for (const plain of [false, true]) {
  Deno.test(`loadOgbDataset() reads a two-column split as link edges (${plain ? "plain csv" : "gzip"})`, async () => {
    await withDataset({}, async (root) => {
      const ds = await loadOgbDataset(root, { quiet: true });
      assert.ok(ds.links);
      assert.deepEqual(pairs(ds.links.train), [[0, 1], [1, 2], [2, 3]]);
      assert.deepEqual(pairs(ds.links.valid), [[3, 4]]);
      assert.deepEqual(pairs(ds.links.test), [[4, 5], [0, 5]]);
      assert.deepEqual(pairs(ds.links.validNeg), [[0, 4], [1, 5]]);
      assert.deepEqual(pairs(ds.links.testNeg), [[2, 5]]);
      assert.deepEqual([ds.split.train.length, ds.split.valid.length, ds.split.test.length], [
        0,
        0,
        0,
      ]);
      // no raw/node-label: every node unlabeled, no classes
      assert.deepEqual(Array.from(ds.labels), [-1, -1, -1, -1, -1, -1]);
      assert.equal(ds.numClasses, 0);
      assert.equal(ds.graph.indices.length, 6);
    }, plain);
  });
}

Deno.test("loadOgbDataset() leaves the fixed negatives out when the split has none", async () => {
  await withDataset(
    { "split/collab/valid_neg": null, "split/collab/test_neg": null },
    async (root) => {
      const ds = await loadOgbDataset(root, { quiet: true });
      assert.ok(ds.links);
      assert.equal("validNeg" in ds.links, false);
      assert.equal("testNeg" in ds.links, false);
    },
  );
});

Deno.test("loadOgbDataset() keeps the labels a link dataset has", async () => {
  await withDataset({ "raw/node-label": "0\n1\n0\n1\n\n1\n" }, async (root) => {
    const ds = await loadOgbDataset(root, { quiet: true });
    assert.deepEqual(Array.from(ds.labels), [0, 1, 0, 1, -1, 1]);
    assert.equal(ds.numClasses, 2);
    assert.ok(ds.links);
  });
});

Deno.test("loadOgbDataset() still needs raw/node-label for a node split", async () => {
  const nodeSplit = {
    "split/collab/train": "0\n1\n",
    "split/collab/valid": "2\n",
    "split/collab/test": "3\n",
    "split/collab/valid_neg": null,
    "split/collab/test_neg": null,
  };
  await withDataset(nodeSplit, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      (e: unknown) => e instanceof OgbFormatError && /raw\/node-label\.csv\.gz/.test(e.message),
    );
  });
});

Deno.test("loadOgbDataset() names the file and line of a split edge to a missing node", async () => {
  await withDataset({ "split/collab/test": "4,5\n0,6\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      fails("split/collab/test.csv.gz", 2, /expected an integer in 0\.\.5 in column 2, found 6/),
    );
  });
  await withDataset({ "split/collab/test_neg": "2,5\n1,1\n9,0\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      fails("split/collab/test_neg.csv.gz", 3, /in column 1, found 9/),
    );
  });
});

Deno.test("loadOgbDataset() names the file and line of a split edge with a wrong column count", async () => {
  await withDataset({ "split/collab/train": "0,1\n1\n2,3\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      fails("split/collab/train.csv.gz", 2, /expected 2 columns, got 1/),
    );
  });
  await withDataset({ "split/collab/valid_neg": "0,4\n1,5,2\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      fails("split/collab/valid_neg.csv.gz", 2, /expected 2 columns, got more/),
    );
  });
  await withDataset({ "split/collab/valid": "3,4,5\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      fails("split/collab/valid.csv.gz", 1, /expected 1 column \(node ids\) or 2 .* got 3/),
    );
  });
});

Deno.test("loadOgbDataset() names the file and line of an unparsable split edge", async () => {
  await withDataset({ "split/collab/valid": "3,4\n1,2x\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      fails("split/collab/valid.csv.gz", 2, /column 2/),
    );
  });
});

Deno.test("loadOgbDataset() rejects split files that mix node ids and edges, naming them", async () => {
  await withDataset({ "split/collab/valid": "3\n" }, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      fails(
        "split/collab",
        undefined,
        /train\.csv\.gz has 2 columns but split\/collab\/valid\.csv\.gz has 1/,
      ),
    );
  });
});

Deno.test("loadOgbDataset() takes an empty split file as either kind", async () => {
  await withDataset({ "split/collab/valid": "" }, async (root) => {
    const ds = await loadOgbDataset(root, { quiet: true });
    assert.equal(ds.links?.valid.source.length, 0);
    assert.equal(ds.links?.train.source.length, 3);
  });
});

Deno.test("loadOgbDataset() refuses fixed negatives beside a node split", async () => {
  const nodeSplit = {
    "raw/node-label": "0\n1\n0\n1\n0\n1\n",
    "split/collab/train": "0\n1\n",
    "split/collab/valid": "2\n",
    "split/collab/test": "3\n",
    "split/collab/test_neg": null,
  };
  await withDataset(nodeSplit, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      fails("split/collab/valid_neg.csv.gz", undefined, /belong to a link split/),
    );
  });
});

Deno.test("loadOgbDataset() with splitOptional loads a graph without split/ or labels", async () => {
  const noSplit = Object.fromEntries(
    Object.keys(base).filter((k) => k.startsWith("split/")).map((k) => [k, null]),
  );
  await withDataset(noSplit, async (root) => {
    await assert.rejects(
      () => loadOgbDataset(root, { quiet: true }),
      (e: unknown) => e instanceof OgbFormatError && /missing split directory/.test(e.message),
    );
    const ds = await loadOgbDataset(root, { quiet: true, splitOptional: true });
    assert.equal(ds.links, undefined);
    assert.equal(ds.split.train.length + ds.split.valid.length + ds.split.test.length, 0);
    assert.equal(ds.numClasses, 0);
    assert.equal(ds.graph.indices.length, 6);
  });
});

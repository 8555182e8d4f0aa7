// For the README test: writes a small graph in OGB's raw layout, standing in
// for a dataset a user downloads (ogbn-products, or their own graph):
//
//   deno run --allow-all tests/readme/ogb_fixture.ts DIR [--splits=NAME,NAME] [--keep=K] [--links]
//
// DIR/raw/{edge,node-feat,node-label}.csv.gz and DIR/split/NAME/{train,valid,
// test}.csv.gz (default split: sales_ranking, as ogbn-products has), from the
// synthetic generator at a tiny scale; each undirected edge is written once,
// or only every K-th with --keep=K (a sparser, quicker graph). With --links
// the split is an ogbl-style one instead: two columns (source, destination),
// every tenth edge for validation and the next tenth for test (only the
// training edges stay in raw/edge.csv.gz), and as many fixed random negatives
// (valid_neg, test_neg), as ogbl-collab has.
import { parseArgs } from "node:util";
import { generateSynthetic } from "../../partition/synthetic.ts";

async function writeGzip(path: string, lines: Iterable<string>): Promise<void> {
  const text = [...lines].join("\n") + "\n";
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  await Deno.writeFile(path, stream);
}

function* rows(n: number, row: (i: number) => string): Iterable<string> {
  for (let i = 0; i < n; i++) yield row(i);
}

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    splits: { type: "string", default: "sales_ranking" },
    keep: { type: "string", default: "1" },
    links: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const dir = positionals[0];
if (positionals.length !== 1 || dir === undefined) {
  console.error("usage: ogb_fixture.ts DIR [--splits=NAME,NAME] [--keep=K] [--links]");
  Deno.exit(2);
}
const ds = generateSynthetic({ scale: 0.001, seed: 5, quiet: true });
const { indptr, indices, numNodes } = ds.graph;
await Deno.mkdir(`${dir}/raw`, { recursive: true });
const keep = Number(values.keep);
let edges: string[] = [];
for (let v = 0, k = 0; v < numNodes; v++) {
  for (let e = indptr[v]!; e < indptr[v + 1]!; e++) {
    if (v < indices[e]! && k++ % keep === 0) edges.push(`${v},${indices[e]}`);
  }
}
const linkSplit = { train: [] as string[], valid: [] as string[], test: [] as string[] };
if (values.links) {
  edges.forEach((e, i) =>
    linkSplit[i % 10 === 3 ? "valid" : i % 10 === 7 ? "test" : "train"].push(e)
  );
  edges = linkSplit.train;
}
await writeGzip(`${dir}/raw/edge.csv.gz`, edges);
const d = ds.featureDim;
await writeGzip(
  `${dir}/raw/node-feat.csv.gz`,
  rows(
    numNodes,
    (v) => Array.from(ds.features.subarray(v * d, (v + 1) * d), (x) => x.toPrecision(4)).join(","),
  ),
);
await writeGzip(`${dir}/raw/node-label.csv.gz`, rows(numNodes, (v) => String(ds.labels[v])));
for (const name of values.splits.split(",")) {
  await Deno.mkdir(`${dir}/split/${name}`, { recursive: true });
  for (const part of ["train", "valid", "test"] as const) {
    await writeGzip(
      `${dir}/split/${name}/${part}.csv.gz`,
      values.links ? linkSplit[part] : Array.from(ds.split[part], String),
    );
  }
  if (values.links) {
    // Fixed negatives: pairs of nodes drawn by a fixed rule (a multiplicative hash).
    const pair = (i: number) => `${(i * 7919) % numNodes},${(i * 104729 + 13) % numNodes}`;
    const valid = linkSplit.valid.length, test = linkSplit.test.length;
    const negatives = (first: number, count: number) =>
      Array.from({ length: count }, (_, i) => pair(first + i));
    await writeGzip(`${dir}/split/${name}/valid_neg.csv.gz`, negatives(0, valid));
    await writeGzip(`${dir}/split/${name}/test_neg.csv.gz`, negatives(valid, test));
  }
}

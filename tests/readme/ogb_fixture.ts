// For the README test: writes a small graph in OGB's raw layout, standing in
// for a dataset a user downloads (ogbn-products, or their own graph):
//
//   deno run --allow-all tests/readme/ogb_fixture.ts DIR [--splits=NAME,NAME] [--links]
//
// DIR/raw/{edge,node-feat,node-label}.csv.gz and DIR/split/NAME/{train,valid,
// test}.csv.gz (default split: sales_ranking, as ogbn-products has), from the
// synthetic generator at a tiny scale; each undirected edge is written once.
// With --links it is a link-prediction dataset as an ogbl-* one is: no
// node-label file, raw/edge holds the training edges only, and each split
// holds two-column (source, destination) train/valid/test edges (85/5/10%,
// splitEdges) with 100 fixed negatives each in valid_neg and test_neg.
import { parseArgs } from "node:util";
import { generateSynthetic } from "../../partition/synthetic.ts";
import { splitEdges } from "../../partition/split_edges.ts";

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
    links: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const dir = positionals[0];
if (positionals.length !== 1 || dir === undefined) {
  console.error("usage: ogb_fixture.ts DIR [--splits=NAME,NAME] [--links]");
  Deno.exit(2);
}
const generated = generateSynthetic({ scale: 0.001, seed: 5, quiet: true });
const ds = values.links ? splitEdges(generated, [0.85, 0.05, 0.1], 5) : generated;
const { indptr, indices, numNodes } = ds.graph;
await Deno.mkdir(`${dir}/raw`, { recursive: true });
const edges: string[] = [];
for (let v = 0; v < numNodes; v++) {
  for (let e = indptr[v]!; e < indptr[v + 1]!; e++) {
    if (v < indices[e]!) edges.push(`${v},${indices[e]}`);
  }
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
if (!ds.links) {
  await writeGzip(`${dir}/raw/node-label.csv.gz`, rows(numNodes, (v) => String(ds.labels[v])));
}
// fixed negatives: node pairs drawn with a seed, not checked against the graph (as OGB's are not)
let state = 12345;
const node = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % numNodes;
const negatives = [...rows(100, () => `${node()},${node()}`)];
for (const name of values.splits.split(",")) {
  await Deno.mkdir(`${dir}/split/${name}`, { recursive: true });
  for (const part of ["train", "valid", "test"] as const) {
    const links = ds.links?.[part];
    await writeGzip(
      `${dir}/split/${name}/${part}.csv.gz`,
      links
        ? rows(links.source.length, (i) => `${links.source[i]},${links.target[i]}`)
        : Array.from(ds.split[part], String),
    );
  }
  if (ds.links) {
    await writeGzip(`${dir}/split/${name}/valid_neg.csv.gz`, negatives);
    await writeGzip(`${dir}/split/${name}/test_neg.csv.gz`, negatives);
  }
}

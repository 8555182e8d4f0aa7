// For the README test: writes a small graph in OGB's raw layout, standing in
// for a dataset a user downloads (ogbn-products, or their own graph):
//
//   deno run --allow-all tests/readme/ogb_fixture.ts DIR [--splits=NAME,NAME]
//
// DIR/raw/{edge,node-feat,node-label}.csv.gz and DIR/split/NAME/{train,valid,
// test}.csv.gz (default split: sales_ranking, as ogbn-products has), from the
// synthetic generator at a tiny scale; each undirected edge is written once.
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
  options: { splits: { type: "string", default: "sales_ranking" } },
  allowPositionals: true,
});
const dir = positionals[0];
if (positionals.length !== 1 || dir === undefined) {
  console.error("usage: ogb_fixture.ts DIR [--splits=NAME,NAME]");
  Deno.exit(2);
}
const ds = generateSynthetic({ scale: 0.001, seed: 5, quiet: true });
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
await writeGzip(`${dir}/raw/node-label.csv.gz`, rows(numNodes, (v) => String(ds.labels[v])));
for (const name of values.splits.split(",")) {
  await Deno.mkdir(`${dir}/split/${name}`, { recursive: true });
  for (const part of ["train", "valid", "test"] as const) {
    await writeGzip(`${dir}/split/${name}/${part}.csv.gz`, Array.from(ds.split[part], String));
  }
}

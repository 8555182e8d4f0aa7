// A graph with planted communities in OGB's raw layout, for the link-prediction
// commands: nodes link mostly inside their community, so the links can be
// learnt from the graph; the features are noise plus a weak community signal.
import { rng } from "../_random.ts";

/** How the planted graph is laid out on disk. */
export interface PlantedOptions {
  /**
   * `node`: every edge in `raw/edge.csv.gz`, labels and a one-column node split (link edges come
   * from `--edge_split`). `link`: an ogbl-style two-column split with fixed negatives, and only
   * the training edges in the graph.
   */
  readonly layout: "node" | "link";
  readonly communities?: number;
  readonly size?: number;
  readonly seed?: number;
}

async function writeGzip(path: string, lines: readonly string[]): Promise<void> {
  const text = lines.join("\n") + "\n";
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  await Deno.writeFile(path, stream);
}

/**
 * Writes the planted graph to `dir` (default: 8 communities of 40 nodes,
 * about 8 links per node inside and 1 outside) and returns its node count.
 */
export async function writePlantedOgb(dir: string, o: PlantedOptions): Promise<number> {
  const communities = o.communities ?? 8, size = o.size ?? 40;
  const r = rng(o.seed ?? 11);
  const n = communities * size, dim = 8;
  const seen = new Set<number>();
  const edges: [number, number][] = [];
  const add = (a: number, b: number) => {
    const key = Math.min(a, b) * n + Math.max(a, b);
    if (a !== b && !seen.has(key)) edges.push([a, b]), seen.add(key);
  };
  for (let v = 0; v < n; v++) {
    const c = Math.floor(v / size);
    for (let k = 0; k < 4; k++) add(v, c * size + Math.floor(r() * size));
    if (r() < 0.5) add(v, Math.floor(r() * n));
  }
  const centre = Array.from({ length: communities }, () => Array.from({ length: dim }, r));
  const features = Array.from(
    { length: n },
    (_, v) => centre[Math.floor(v / size)]!.map((x) => (0.5 * x + r() - 0.5).toFixed(4)).join(","),
  );
  await Deno.mkdir(`${dir}/raw`, { recursive: true });
  await writeGzip(`${dir}/raw/node-feat.csv.gz`, features);
  const pair = ([a, b]: [number, number]) => `${a},${b}`;
  if (o.layout === "node") {
    await writeGzip(`${dir}/raw/edge.csv.gz`, edges.map(pair));
    await writeGzip(
      `${dir}/raw/node-label.csv.gz`,
      Array.from({ length: n }, (_, v) => String(Math.floor(v / size))),
    );
    await Deno.mkdir(`${dir}/split/random`, { recursive: true });
    const ids = Array.from({ length: n }, (_, v) => v);
    await writeGzip(`${dir}/split/random/train.csv.gz`, ids.filter((v) => v % 5 < 3).map(String));
    await writeGzip(`${dir}/split/random/valid.csv.gz`, ids.filter((v) => v % 5 === 3).map(String));
    await writeGzip(`${dir}/split/random/test.csv.gz`, ids.filter((v) => v % 5 === 4).map(String));
    return n;
  }
  // Every tenth edge is for validation, every tenth after it for test; negatives are random pairs.
  const role = (i: number) => (i % 10 === 3 ? "valid" : i % 10 === 7 ? "test" : "train");
  const of = (name: string) => edges.filter((_, i) => role(i) === name).map(pair);
  const negatives = (k: number) =>
    Array.from({ length: k }, () => `${Math.floor(r() * n)},${Math.floor(r() * n)}`);
  await writeGzip(`${dir}/raw/edge.csv.gz`, of("train"));
  await Deno.mkdir(`${dir}/split/planted`, { recursive: true });
  for (const name of ["train", "valid", "test"]) {
    await writeGzip(`${dir}/split/planted/${name}.csv.gz`, of(name));
  }
  await writeGzip(`${dir}/split/planted/valid_neg.csv.gz`, negatives(200));
  await writeGzip(`${dir}/split/planted/test_neg.csv.gz`, negatives(200));
  return n;
}

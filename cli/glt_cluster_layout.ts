import { ClusterConfigError } from "./cluster_config_error.ts";

/** GLT's flat list keys and the node key each one becomes. */
const FLAT_KEYS = {
  ports: "port",
  usernames: "user",
  deno_bins: "deno",
  dst_paths: "working_dir",
  visible_devices: "visible_devices",
} as const;

/**
 * A cluster file in graphlearn-for-pytorch's flat layout (`nodes` a list of
 * host names, beside lists with one entry per node: `ports`, `usernames`,
 * `dst_paths`, `node_ranks`, `visible_devices`, and `deno_bins` where GLT
 * has `python_bins`) rewritten as webgnn's layout: one mapping per node, in
 * rank order (`node_ranks[i]` is the rank of `nodes[i]`). GLT's `dataset`
 * becomes the default `dataset_root_dir` (relative to each node's
 * `dst_paths` entry). A file already in webgnn's layout is returned as it
 * is. A list of the wrong length, a rank given twice and `python_bins` are
 * {@linkcode ClusterConfigError}s naming `source` and the key.
 *
 * @example
 * ```ts
 * import { fromGltLayout } from "./glt_cluster_layout.ts";
 * const file = fromGltLayout({
 *   nodes: ["10.0.0.2", "10.0.0.1"], node_ranks: [1, 0], ports: [22, 2222],
 *   usernames: ["root", "root"], deno_bins: ["deno", "deno"], dst_paths: ["/w", "/w"],
 * }, "glt.yml") as { nodes: { host: string; port: number }[] };
 * console.log(file.nodes.map((n) => `${n.host}:${n.port}`)); // ["10.0.0.1:2222", "10.0.0.2:22"]
 * ```
 */
export function fromGltLayout(raw: unknown, source: string): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const file = raw as Record<string, unknown>;
  const hosts = file.nodes;
  if (!Array.isArray(hosts) || !hosts.every((h) => typeof h === "string")) return raw;
  const fail = (key: string, what: string) => new ClusterConfigError(`${source}: ${key}: ${what}`);
  if ("python_bins" in file) {
    throw fail(
      "python_bins",
      "webgnn runs Deno, not Python: rename it deno_bins (the deno executable on each node)",
    );
  }
  const { nodes: _, node_ranks, dataset, defaults, ...rest } = file;
  const n = hosts.length;
  const list = (key: string, value: unknown): unknown[] => {
    if (!Array.isArray(value) || value.length !== n) {
      throw fail(key, `expected a list with one entry per node (${n}, as nodes has)`);
    }
    return value;
  };
  const ranks = node_ranks === undefined ? hosts.map((_, i) => i) : list("node_ranks", node_ranks);
  const byRank: Record<string, unknown>[] = [];
  for (const [i, r] of ranks.entries()) {
    if (!Number.isInteger(r) || (r as number) < 0 || (r as number) >= n || byRank[r as number]) {
      throw fail(
        `node_ranks[${i}]`,
        `expected each rank 0 to ${n - 1} once, got ${JSON.stringify(r)}`,
      );
    }
    byRank[r as number] = { host: hosts[i] };
  }
  const others: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    const nodeKey = FLAT_KEYS[key as keyof typeof FLAT_KEYS];
    if (nodeKey === undefined) {
      others[key] = value;
      continue;
    }
    list(key, value).forEach((v, i) => byRank[ranks[i] as number]![nodeKey] = v);
  }
  const merged = { ...(defaults as Record<string, unknown> | undefined) };
  if (dataset !== undefined) merged.dataset_root_dir ??= dataset;
  return {
    ...others,
    ...(Object.keys(merged).length ? { defaults: merged } : {}),
    nodes: byRank,
  };
}

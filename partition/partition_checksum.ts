import type { PartitionMeta } from "./partition_meta.ts";

/**
 * The SHA-256 (lower-case hex) of a partition directory's `meta.json`, taken
 * over its canonical JSON (keys sorted, no whitespace) so that reformatting
 * the file changes nothing. `meta.json` lists every count and every file's
 * SHA-256, so two directories with equal checksums hold the same
 * partitioning of the same graph, byte for byte: this is what ranks compare
 * when they join a cluster, and what a checkpoint records.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * import { partitionDataset } from "./partition_dataset.ts";
 * import { partitionChecksum } from "./partition_checksum.ts";
 * const output = await Deno.makeTempDir();
 * const meta = await partitionDataset(generateSynthetic({ scale: 0.001, quiet: true }), {
 *   numPartitions: 2, partitioner: "random", output, quiet: true,
 * });
 * console.log((await partitionChecksum(meta)).length); // 64
 * await Deno.remove(output, { recursive: true });
 * ```
 */
export async function partitionChecksum(meta: PartitionMeta): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(meta));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** JSON with every object's keys in sorted order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

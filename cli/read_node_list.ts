import { UsageError } from "./usage_error.ts";

/**
 * Reads `--nodes=FILE`: one node id per line, the first comma-separated
 * field of each (so predict's own CSV output can be fed back); blank lines
 * are skipped, and so is a first line that is not a number (a header). An id
 * that is not an integer in `0 .. numNodes - 1` is a usage error naming the
 * file and the line.
 *
 * @example
 * ```ts
 * import { readNodeList } from "./read_node_list.ts";
 * const path = `${await Deno.makeTempDir()}/nodes.csv`;
 * await Deno.writeTextFile(path, "node\n3\n1\n");
 * console.log(await readNodeList(path, 10)); // Int32Array(2) [ 3, 1 ]
 * ```
 */
export async function readNodeList(path: string, numNodes: number): Promise<Int32Array> {
  const lines = (await Deno.readTextFile(path)).split("\n");
  const ids: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const field = lines[i]!.split(",")[0]!.trim();
    if (field === "") continue;
    if (!/^-?\d+$/.test(field)) {
      if (ids.length === 0 && i === lines.findIndex((l) => l.trim() !== "")) continue;
      throw new UsageError(`--nodes=${path}, line ${i + 1}: "${field}" is not a node id`);
    }
    const v = Number(field);
    if (v < 0 || v >= numNodes) {
      throw new UsageError(
        `--nodes=${path}, line ${i + 1}: node ${v} is not in the graph (ids 0..${numNodes - 1})`,
      );
    }
    ids.push(v);
  }
  return Int32Array.from(ids);
}

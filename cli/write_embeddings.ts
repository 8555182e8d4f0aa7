import type { Embeddings } from "../engine/embed.ts";
import { saveSafetensors } from "../engine/safetensors_file.ts";
import type { PredictionFormat } from "./predict_flags.ts";
import { writeCsv } from "./write_csv.ts";

/**
 * Writes node embeddings to `path`, replacing it atomically (a temporary
 * file in the same directory, synced, then renamed), as `writePredictions`
 * writes classes:
 *
 * - `csv`: a header `node,e0 .. e{D-1}` and one row per node, values with 6
 *   significant digits.
 * - `safetensors`: `node` int32 `[n]` and `embedding` float32 `[n, D]`,
 *   `metadata` in the header (NumPy and PyTorch read it with `safetensors`).
 *
 * @example
 * ```ts
 * import { writeEmbeddings } from "./write_embeddings.ts";
 * const e = { nodes: new Int32Array([4, 7]), embeddings: new Float32Array([0.5, -1, 2, 0]), dim: 2 };
 * const path = `${await Deno.makeTempDir()}/e.csv`;
 * await writeEmbeddings(path, "csv", e, {});
 * console.log(await Deno.readTextFile(path)); // node,e0,e1 / 4,0.5,-1 / 7,2,0
 * ```
 */
export async function writeEmbeddings(
  path: string,
  format: PredictionFormat,
  e: Embeddings,
  metadata: Readonly<Record<string, string>>,
): Promise<void> {
  const n = e.nodes.length, d = e.dim;
  if (format === "safetensors") {
    await saveSafetensors(
      path,
      new Map([
        ["node", { dtype: "I32", shape: [n], data: e.nodes }],
        ["embedding", { dtype: "F32", shape: [n, d], data: e.embeddings }],
      ]),
      metadata,
    );
    return;
  }
  const header = `node${Array.from({ length: d }, (_, k) => `,e${k}`).join("")}`;
  await writeCsv(path, header, n, (i) => {
    let line = String(e.nodes[i]);
    for (let k = 0; k < d; k++) line += "," + Number(e.embeddings[i * d + k]!.toPrecision(6));
    return line;
  });
}

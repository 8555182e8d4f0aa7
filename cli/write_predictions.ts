import type { Predictions } from "../engine/predict.ts";
import { saveSafetensors } from "../engine/safetensors_file.ts";
import type { SafeTensor } from "../engine/safetensors.ts";
import type { PredictionFormat } from "./predict_flags.ts";
import { writeCsv } from "./write_csv.ts";

/**
 * Writes predictions to `path`, replacing it atomically (a temporary file in
 * the same directory, synced, then renamed).
 *
 * - `csv`: a header `node,class` (with `probabilities`, then `p0 .. p{C-1}`)
 *   and one row per node, probabilities with 6 decimals.
 * - `safetensors`: raw little-endian arrays after a small JSON header, which
 *   NumPy and PyTorch read with `safetensors`: `node` and `class` int32 `[n]`
 *   and, with `probabilities`, `probabilities` float32 `[n, C]`; `metadata`
 *   goes in the header.
 *
 * @example
 * ```ts
 * import { writePredictions } from "./write_predictions.ts";
 * const p = {
 *   nodes: new Int32Array([4, 7]), classes: new Int32Array([1, 0]), numClasses: 2,
 *   probabilities: new Float32Array([0.25, 0.75, 0.9, 0.1]), test: { correct: 0, total: 0 },
 * };
 * const path = `${await Deno.makeTempDir()}/p.csv`;
 * await writePredictions(path, "csv", p, true, {});
 * console.log(await Deno.readTextFile(path)); // node,class,p0,p1 / 4,1,0.250000,0.750000 / 7,0,...
 * ```
 */
export async function writePredictions(
  path: string,
  format: PredictionFormat,
  p: Predictions,
  probabilities: boolean,
  metadata: Readonly<Record<string, string>>,
): Promise<void> {
  if (format === "safetensors") {
    const n = p.nodes.length;
    const tensors = new Map<string, SafeTensor>([
      ["node", { dtype: "I32", shape: [n], data: p.nodes }],
      ["class", { dtype: "I32", shape: [n], data: p.classes }],
    ]);
    if (probabilities) {
      tensors.set("probabilities", {
        dtype: "F32",
        shape: [n, p.numClasses],
        data: p.probabilities,
      });
    }
    await saveSafetensors(path, tensors, metadata);
    return;
  }
  const c = p.numClasses;
  const columns = probabilities ? Array.from({ length: c }, (_, k) => `,p${k}`).join("") : "";
  await writeCsv(path, `node,class${columns}`, p.nodes.length, (i) => {
    let line = `${p.nodes[i]},${p.classes[i]}`;
    if (probabilities) {
      for (let k = 0; k < c; k++) line += "," + p.probabilities[i * c + k]!.toFixed(6);
    }
    return line;
  });
}

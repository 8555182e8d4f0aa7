import { z } from "npm:zod@4.6.7";
import type { EpochFigures } from "../cluster/rank_report.ts";
import { meanOverRanks } from "./view_state.ts";
import type { RunView } from "./view_state.ts";

const ms = z.number().nonnegative();
/** The fields of a metrics line the report reads; other fields are left alone. */
const lineSchema = z.object({
  epoch: z.number().int().positive(),
  loss: z.number(),
  validAccuracy: z.number().nullable().optional(),
  testAccuracy: z.number().nullable(),
  validAuc: z.number().nullable().optional(),
  testAuc: z.number().nullable().optional(),
  totalMs: ms,
  sampleMs: ms,
  featureMs: ms,
  trainMs: ms,
  reduceMs: ms.optional(),
  waitMs: ms,
});

/**
 * One rank's metrics file (the JSON lines `--metrics` writes): its epochs.
 * A line that is not such an epoch is an error naming the file and line.
 *
 * @example
 * ```ts
 * import { parseMetrics } from "./read_runs.ts";
 * const line = JSON.stringify({
 *   epoch: 1, loss: 2, testAccuracy: 0.3, totalMs: 9, sampleMs: 1, featureMs: 1, trainMs: 5, waitMs: 0,
 * });
 * console.assert(parseMetrics("m0.jsonl", line + "\n")[0]!.reduceMs === 0);
 * ```
 */
export function parseMetrics(file: string, text: string): EpochFigures[] {
  const out: EpochFigures[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new SyntaxError(`${file}:${i + 1}: not JSON (${(error as Error).message})`);
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(
        `${file}:${i + 1}: not an epoch line of --metrics (${
          issue?.path.join(".") || "line"
        }: ${issue?.message})`,
      );
    }
    const l = parsed.data;
    out.push({
      epoch: l.epoch,
      loss: l.loss,
      // A link-prediction line (--task=link) shows its ROC-AUC in the accuracies' place.
      ...(l.validAuc === undefined && l.testAuc === undefined
        ? { validAccuracy: l.validAccuracy ?? null, testAccuracy: l.testAccuracy }
        : {
          validAccuracy: l.validAuc ?? null,
          testAccuracy: l.testAuc ?? null,
          metric: "AUC" as const,
        }),
      totalMs: l.totalMs,
      sampleMs: l.sampleMs,
      featureMs: l.featureMs,
      trainMs: l.trainMs,
      reduceMs: l.reduceMs ?? 0,
      waitMs: l.waitMs,
    });
  });
  if (out.length === 0) throw new TypeError(`${file}: no epoch lines`);
  return out;
}

/**
 * Reads the runs `--metrics` names: each value is one run, `[NAME=]FILE[,FILE...]`,
 * one file per rank (named by its files when NAME is left out).
 *
 * @example
 * ```ts ignore
 * import { readRuns } from "./read_runs.ts";
 * const runs = await readRuns(["1 node=m.jsonl", "2 nodes=m0.jsonl,m1.jsonl"]);
 * ```
 */
export async function readRuns(values: readonly string[]): Promise<RunView[]> {
  const runs: RunView[] = [];
  for (const value of values) {
    const eq = value.indexOf("=");
    const files = (eq < 0 ? value : value.slice(eq + 1)).split(",").filter((f) => f !== "");
    if (files.length === 0) throw new TypeError(`--metrics=${value}: no file named`);
    const name = eq < 0 ? files.map((f) => f.split("/").pop()).join(", ") : value.slice(0, eq);
    const ranks: EpochFigures[][] = [];
    for (const file of files) {
      let text: string;
      try {
        text = await Deno.readTextFile(file);
      } catch (error) {
        throw new Error(`--metrics: cannot read ${file} (${(error as Error).message})`);
      }
      ranks.push(parseMetrics(file, text));
    }
    runs.push({ name, ranks: files.length, epochs: meanOverRanks(ranks) });
  }
  return runs;
}

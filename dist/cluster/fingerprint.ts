/**
 * What must agree between the ranks of one job, as an ordered list of named
 * fields (`["--lr", "0.003"]`, `["partition meta.json sha256", "ab12..."]`),
 * coarse before fine, so that the first field that differs says what to
 * fix. A rank sends its own at join; ranks of different roles share only
 * some fields (a sampling server has no learning rate), and only the fields
 * both hold are compared. A checkpoint records the same list.
 *
 * @example
 * ```ts
 * import { firstDifference } from "./fingerprint.ts";
 * const d = firstDifference(
 *   [["--fanout", "15,10,5"], ["--lr", "0.003"]],
 *   [["--lr", "0.01"], ["--fanout", "15,10,5"]],
 * );
 * console.log(d?.field, d?.mine, d?.theirs); // --lr 0.003 0.01
 * ```
 * @module
 */
import { z } from "npm:zod@4.6.7";

/** The wire form: at most 64 fields, each a name and its value as text. */
export const fingerprintSchema = z.array(z.tuple([z.string().min(1).max(128), z.string().max(512)]))
  .max(64);

/** An ordered list of `[field, value]` pairs. */
export type Fingerprint = readonly (readonly [string, string])[];

/** A field two fingerprints both hold with different values. */
export interface FingerprintDifference {
  readonly field: string;
  readonly mine: string;
  readonly theirs: string;
}

/**
 * The first field of `mine` (in its order) that `theirs` also holds with
 * another value; undefined when every shared field agrees. `ignore` lists
 * fields not compared.
 */
export function firstDifference(
  mine: Fingerprint,
  theirs: Fingerprint,
  ignore: readonly string[] = [],
): FingerprintDifference | undefined {
  const other = new Map(theirs.map(([k, v]) => [k, v]));
  for (const [field, value] of mine) {
    if (ignore.includes(field)) continue;
    const there = other.get(field);
    if (there !== undefined && there !== value) return { field, mine: value, theirs: there };
  }
  return undefined;
}

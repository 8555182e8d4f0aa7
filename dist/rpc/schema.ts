/**
 * What webgnn asks of a schema: a `safeParse` that checks an untrusted value
 * and hands it back typed. Every zod schema is one, so services declare their
 * payloads with zod (in their `methods.ts`), while public signatures such as
 * `callChecked` and `MethodTable.register` name only this interface.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * import type { Schema } from "./schema.ts";
 * const count: Schema<number> = z.number().int().nonnegative();
 * const bad = count.safeParse(-1);
 * console.assert(!bad.success && bad.error.issues.length === 1);
 * const good = count.safeParse(3);
 * console.assert(good.success && good.data === 3);
 * ```
 * @module
 */

/**
 * A checker of untrusted values: zod schemas are ones.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * import type { Schema } from "./schema.ts";
 * const pair: Schema<[number, number]> = z.tuple([z.number(), z.number()]);
 * console.assert(pair.safeParse([1, 2]).success);
 * ```
 */
export interface Schema<T> {
  /** Checks `value`, never throwing: the value as `T`, or what is wrong with it. */
  safeParse(value: unknown): SafeParseResult<T>;
}

/**
 * The outcome of {@link Schema.safeParse}: `data` when `success`, else `error`.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * import type { SafeParseResult } from "./schema.ts";
 * const result: SafeParseResult<string> = z.string().safeParse("ok");
 * const text = result.success ? result.data : result.error.message;
 * ```
 */
export type SafeParseResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: SchemaError };

/**
 * Why a value failed its schema.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * const result = z.object({ n: z.number() }).safeParse({ n: "1" });
 * if (!result.success) console.assert(result.error.issues.length === 1);
 * ```
 */
export interface SchemaError {
  /** Every problem, as one readable text. */
  readonly message: string;
  /** Each problem on its own, in the order found. */
  readonly issues: readonly SchemaIssue[];
}

/**
 * One problem with a value.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * const result = z.object({ ids: z.array(z.number()) }).safeParse({ ids: [1, "2"] });
 * if (!result.success) console.assert(result.error.issues[0]!.path.join(".") === "ids.1");
 * ```
 */
export interface SchemaIssue {
  /** Where in the value: object keys and array indices from the top, empty for the value itself. */
  readonly path: readonly PropertyKey[];
  /** What was expected there, e.g. `Invalid input: expected number, received string`. */
  readonly message: string;
}

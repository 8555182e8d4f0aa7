/**
 * A mistake in how a command was called (a bad flag value, a missing
 * directory): printed as one line, without a stack trace, with exit code 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "./usage_error.ts";
 * const e = new UsageError("--batch_size must be a positive integer, got 0");
 * console.log(e.message);
 * ```
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Longest peer-supplied text kept by default, in characters. */
export const MAX_PRINTABLE = 64;

/** C0 and C1 controls, DEL, line and paragraph separators, bidirectional overrides and isolates. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text a peer sent (the name it claims, a close reason), made safe for one
 * log line: control characters (newlines and terminal escapes included),
 * separators and bidirectional controls are shown as `\xNN` / `\uNNNN`
 * escapes, and the result is cut to `max` characters with a trailing `…`.
 *
 * @example
 * ```ts
 * import { printable } from "./printable.ts";
 * console.assert(printable("rank 1\n\u001b[31mfake line") === "rank 1\\x0a\\x1b[31mfake line");
 * console.assert(printable("x".repeat(100), 8) === "xxxxxxx…");
 * ```
 */
export function printable(text: string, max = MAX_PRINTABLE): string {
  const safe = String(text).replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
  const chars = [...safe];
  return chars.length <= max ? safe : `${chars.slice(0, max - 1).join("")}…`;
}

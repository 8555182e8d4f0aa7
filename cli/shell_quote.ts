/**
 * Quotes one word for a POSIX shell: left bare when it holds only safe
 * characters, otherwise wrapped in single quotes with each `'` spelt `'\''`.
 *
 * @example
 * ```ts
 * import { shellQuote } from "./shell_quote.ts";
 * console.log(shellQuote("--epochs=10")); // --epochs=10
 * console.log(shellQuote("it's")); // 'it'\''s'
 * ```
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

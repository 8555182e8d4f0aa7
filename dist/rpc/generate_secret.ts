/**
 * A fresh random shared secret: 32 random bytes as 64 hex characters, for a
 * launcher to hand to every process of one job.
 *
 * @example
 * ```ts
 * import { generateSecret } from "./generate_secret.ts";
 * console.assert(/^[0-9a-f]{64}$/.test(generateSecret()));
 * ```
 */
export function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What the token signs: a fixed label, so the token says nothing of the secret. */
const LABEL = "webgnn dashboard v1";

/**
 * The dashboard's access token: HMAC-SHA256 of a fixed label under the
 * cluster secret, as 32 hex digits. Whoever holds the secret can compute it;
 * the page refuses every request without it.
 *
 * @example
 * ```ts
 * import { dashboardToken } from "./dashboard_token.ts";
 * const token = await dashboardToken(new TextEncoder().encode("a shared secret"));
 * console.assert(/^[0-9a-f]{32}$/.test(token));
 * ```
 */
export async function dashboardToken(secret: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(LABEL)),
  );
  return [...mac.subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Whether `given` is `token`, compared in time that does not depend on where they differ.
 *
 * @example
 * ```ts
 * import { sameToken } from "./dashboard_token.ts";
 * console.assert(sameToken("ab", "ab") && !sameToken("ab", "ac") && !sameToken(null, "ab"));
 * ```
 */
export function sameToken(given: string | null, token: string): boolean {
  if (given === null || given.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < token.length; i++) diff |= given.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}

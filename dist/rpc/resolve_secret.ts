import { AuthError } from "./auth_error.ts";

/**
 * Where a shared secret may come from, in order of precedence.
 *
 * @example
 * ```ts
 * import { resolveSecret, type SecretSources } from "./resolve_secret.ts";
 * const flags: SecretSources = { value: "at least sixteen characters", env: undefined };
 * console.assert((await resolveSecret(flags)).length === 27);
 * ```
 */
export interface SecretSources {
  /** The value of a `--secret` flag. */
  readonly value?: string | undefined;
  /** The path of a `--secret_file`; its content, trailing whitespace trimmed. */
  readonly file?: string | undefined;
  /** The environment value; default `Deno.env.get("WEBGNN_SECRET")`. */
  readonly env?: string | undefined;
}

/** Shortest secret accepted, in characters. */
const MIN_LENGTH = 16;

/**
 * Finds the cluster's shared secret: a flag value first, then a file, then
 * the `WEBGNN_SECRET` environment variable. Throws `AuthError` if none is
 * set and `RangeError` if it is shorter than 16 characters.
 *
 * @example
 * ```ts
 * import { resolveSecret } from "./resolve_secret.ts";
 * const secret = await resolveSecret({ value: "0123456789abcdef0123" });
 * console.assert(secret.length === 20);
 * ```
 */
export async function resolveSecret(sources: SecretSources = {}): Promise<Uint8Array> {
  let text: string | undefined;
  let origin: string;
  if (sources.value !== undefined) {
    text = sources.value;
    origin = "the secret flag";
  } else if (sources.file !== undefined) {
    text = (await Deno.readTextFile(sources.file)).trimEnd();
    origin = `file ${sources.file}`;
  } else {
    text = "env" in sources ? sources.env : Deno.env.get("WEBGNN_SECRET");
    origin = "WEBGNN_SECRET";
  }
  if (text === undefined || text === "") {
    throw new AuthError(
      "no shared secret: pass --secret or --secret_file, or set WEBGNN_SECRET",
    );
  }
  if (text.length < MIN_LENGTH) {
    throw new RangeError(
      `the shared secret from ${origin} is ${text.length} characters; at least ${MIN_LENGTH} are needed`,
    );
  }
  return new TextEncoder().encode(text);
}

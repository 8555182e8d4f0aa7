import { resolveSecret } from "../dist/rpc/resolve_secret.ts";
import type { ClusterOptions } from "./shared_options.ts";
import { UsageError } from "./usage_error.ts";

/**
 * The cluster's shared secret from `--secret`, `--secret_file` or
 * `WEBGNN_SECRET`; a secret file that cannot be read, or a secret too short,
 * is a usage error naming the flag. A secret file that group or others may
 * read gets a warning on stderr naming it and the fix (`chmod 600`).
 *
 * @example
 * ```ts
 * import { clusterSecret } from "./cluster_secret.ts";
 * const secret = await clusterSecret({ secret: "0123456789abcdef", secretFile: undefined });
 * console.log(secret.length); // 16
 * ```
 */
export async function clusterSecret(
  flags: Pick<ClusterOptions, "secret" | "secretFile">,
): Promise<Uint8Array> {
  if (flags.secret === undefined && flags.secretFile !== undefined) {
    try {
      await Deno.readTextFile(flags.secretFile);
    } catch (err) {
      const why = err instanceof Deno.errors.NotFound
        ? "no such file"
        : err instanceof Error
        ? err.message.split("\n")[0]
        : String(err);
      throw new UsageError(`--secret_file=${flags.secretFile}: cannot read the secret (${why})`);
    }
    warnIfShared(flags.secretFile);
  }
  try {
    return await resolveSecret({ value: flags.secret, file: flags.secretFile });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
}

/** Warns when group or others have any access to the secret file. */
function warnIfShared(path: string): void {
  const mode = Deno.statSync(path).mode;
  if (mode === null || (mode & 0o077) === 0) return;
  const octal = (mode & 0o777).toString(8).padStart(4, "0");
  console.error(
    `webgnn: warning: --secret_file=${path} is readable by group or others (mode ${octal}); ` +
      `run chmod 600 ${path}`,
  );
}

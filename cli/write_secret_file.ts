import { generateSecret } from "../dist/rpc/generate_secret.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Writes a fresh shared secret (64 hex characters, see `generateSecret`) to
 * `path`, readable and writable by its owner only (mode 0600) from the
 * moment it exists: it is written to a new file beside `path` created with
 * that mode, then renamed over it. An existing `path` is a `UsageError`
 * naming `--out` unless `overwrite`.
 *
 * @example
 * ```ts
 * import { writeSecretFile } from "./write_secret_file.ts";
 * const dir = await Deno.makeTempDir();
 * await writeSecretFile(`${dir}/secret`, false);
 * console.log((await Deno.stat(`${dir}/secret`)).mode! & 0o777); // 384 (0o600)
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeSecretFile(path: string, overwrite: boolean): Promise<void> {
  let exists = false;
  try {
    await Deno.lstat(path);
    exists = true;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      throw new UsageError(`--out=${path}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  if (exists && !overwrite) {
    throw new UsageError(`--out=${path} exists; pass --overwrite to replace it`);
  }
  const temporary = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(temporary, `${generateSecret()}\n`, { createNew: true, mode: 0o600 });
    await Deno.chmod(temporary, 0o600); // whatever the umask
    await Deno.rename(temporary, path);
  } catch (err) {
    await Deno.remove(temporary).catch(() => {});
    throw new UsageError(`--out=${path}: cannot write the secret (${(err as Error).message})`);
  }
}

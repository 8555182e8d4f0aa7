import { type Fingerprint, firstDifference } from "../dist/cluster/fingerprint.ts";
import { checkWritable } from "./check_writable.ts";
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from "./checkpoint_file.ts";
import { UsageError } from "./usage_error.ts";

/** `epoch-000012.ckpt`: names sort by epoch. */
const NAME = /^epoch-(\d{6,})\.ckpt$/;
const nameOf = (epoch: number) => `epoch-${String(epoch).padStart(6, "0")}.ckpt`;

/** One checkpoint file that was written, and what writing it cost. */
export interface SavedCheckpoint {
  readonly path: string;
  readonly bytes: number;
  readonly ms: number;
}

/**
 * The checkpoints of one run in one directory (`--checkpoint_dir`): each
 * epoch's is written atomically (a temporary file in the same directory,
 * fsync, rename, fsync of the directory), so a crash leaves the previous
 * ones intact and never a half-written file under a checkpoint's name; only
 * the newest `keep` are kept. {@linkcode CheckpointDir.newest} finds the
 * newest one a run can resume from.
 *
 * @example
 * ```ts
 * import { CheckpointDir } from "./checkpoint_dir.ts";
 * const dir = await CheckpointDir.open(await Deno.makeTempDir(), 2);
 * const v = new Float32Array(4);
 * const state = { parameters: v, moment1: v, moment2: v, adamSteps: 0 };
 * for (const epoch of [1, 2, 3]) await dir.save({ epoch, fingerprint: [], state });
 * const found = await dir.newest([], [], console.warn);
 * console.log(found?.checkpoint.epoch); // 3
 * await Deno.remove(dir.dir, { recursive: true });
 * ```
 */
export class CheckpointDir {
  private constructor(readonly dir: string, readonly keep: number) {}

  /** Creates `dir` if needed and checks it can be written (a usage error naming the flag if not). */
  static async open(dir: string, keep: number): Promise<CheckpointDir> {
    try {
      await Deno.mkdir(dir, { recursive: true });
    } catch (err) {
      const why = err instanceof Error ? err.message.replace(/ \(os error \d+\).*/, "") : err;
      throw new UsageError(`--checkpoint_dir=${dir}: cannot create it (${why})`);
    }
    checkWritable("--checkpoint_dir", `${dir}/.write-test`);
    return new CheckpointDir(dir, keep);
  }

  /** Writes the checkpoint of `c.epoch` atomically, then removes all but the newest `keep`. */
  async save(c: Checkpoint): Promise<SavedCheckpoint> {
    const t0 = performance.now();
    const bytes = await encodeCheckpoint(c);
    const path = `${this.dir}/${nameOf(c.epoch)}`;
    const tmp = `${this.dir}/.${nameOf(c.epoch)}.tmp`;
    const file = await Deno.open(tmp, { write: true, create: true, truncate: true, mode: 0o644 });
    try {
      for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
    const dir = await Deno.open(this.dir, { read: true });
    try {
      await dir.sync(); // the rename itself survives a power cut
    } finally {
      dir.close();
    }
    const ms = performance.now() - t0;
    await this.#prune();
    return { path, bytes: bytes.length, ms };
  }

  /**
   * The newest checkpoint this run can resume from: newest first, a file
   * that is torn or corrupt, or was made with another configuration or
   * partitioning (a field of `fingerprint` that differs, `ignore` aside), is
   * skipped with a line to `warn` naming the file and why. Undefined when
   * the directory holds no usable checkpoint and none was skipped for its
   * configuration; when every readable one was, a {@linkcode UsageError}
   * names the newest and its first differing field: resuming with another
   * configuration is refused, not silently started afresh.
   */
  async newest(
    fingerprint: Fingerprint,
    ignore: readonly string[],
    warn: (line: string) => void,
  ): Promise<{ path: string; checkpoint: Checkpoint } | undefined> {
    let refusal: string | undefined;
    for (const { name } of (await this.#list()).reverse()) {
      const path = `${this.dir}/${name}`;
      let checkpoint: Checkpoint;
      try {
        checkpoint = await decodeCheckpoint(await Deno.readFile(path));
      } catch (err) {
        warn(`skipping checkpoint ${path}: ${err instanceof Error ? err.message : err}`);
        continue;
      }
      const d = firstDifference(fingerprint, checkpoint.fingerprint, ignore);
      if (d) {
        const why = `it was made with ${d.field}=${d.theirs}, this run has ${d.field}=${d.mine}`;
        warn(`skipping checkpoint ${path}: ${why}`);
        refusal ??= `--resume: no checkpoint in ${this.dir} fits this run: ${path}: ${why}; ` +
          `give the same ${d.field}, or another --checkpoint_dir to start afresh`;
        continue;
      }
      return { path, checkpoint };
    }
    if (refusal) throw new UsageError(refusal);
    return undefined;
  }

  /** Checkpoint files by ascending epoch. */
  async #list(): Promise<{ name: string; epoch: number }[]> {
    const found: { name: string; epoch: number }[] = [];
    for await (const e of Deno.readDir(this.dir)) {
      const m = NAME.exec(e.name);
      if (e.isFile && m) found.push({ name: e.name, epoch: Number(m[1]) });
    }
    return found.sort((a, b) => a.epoch - b.epoch);
  }

  /** Keeps the newest `keep`; also removes what a write killed midway left (only one process writes). */
  async #prune(): Promise<void> {
    for await (const e of Deno.readDir(this.dir)) {
      if (/^\.epoch-\d{6,}\.ckpt\.tmp$/.test(e.name)) {
        await Deno.remove(`${this.dir}/${e.name}`).catch(() => {});
      }
    }
    const all = await this.#list();
    for (const { name } of all.slice(0, Math.max(0, all.length - this.keep))) {
      await Deno.remove(`${this.dir}/${name}`).catch(() => {});
    }
  }
}

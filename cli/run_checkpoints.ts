import type { Fingerprint } from "../dist/cluster/fingerprint.ts";
import type { Device } from "../engine/device.ts";
import type { SageModel } from "../engine/sage_model.ts";
import { readTrainingState, writeTrainingState } from "../engine/training_state.ts";
import { CheckpointDir } from "./checkpoint_dir.ts";
import type { Checkpoint } from "./checkpoint_file.ts";
import { RESUMABLE_FIELDS } from "./job_fingerprint.ts";
import type { CheckpointFlags } from "./shared_options.ts";

/**
 * A run's checkpoints (`--checkpoint_dir`, `--checkpoint_every`,
 * `--checkpoint_keep`, `--resume`), as the trainer that writes them sees
 * them: on a cluster only trainer 0 (client 0) has one; it resumes into its
 * model and the start-up broadcast hands that state to every other trainer,
 * so the files live on its disk alone.
 *
 * @example
 * ```ts ignore
 * import { RunCheckpoints } from "./run_checkpoints.ts";
 * const checkpoints = await RunCheckpoints.open(flags, fingerprint);
 * const epoch = checkpoints?.resume(device, model) ?? 0;
 * await checkpoints?.afterEpoch(device, model, epoch + 1);
 * ```
 */
export class RunCheckpoints {
  private constructor(
    readonly dir: CheckpointDir,
    readonly flags: CheckpointFlags,
    readonly fingerprint: Fingerprint,
    readonly found: Checkpoint | undefined,
  ) {}

  /**
   * Undefined without `--checkpoint_dir`; else the directory, created and
   * checked writable, and with `--resume` the newest usable checkpoint in
   * it, found before anything loads: skipped files are warned about on
   * stderr, and a directory whose checkpoints were all made with another
   * configuration or partitioning is a usage error naming the field.
   */
  static async open(
    flags: CheckpointFlags,
    fingerprint: Fingerprint,
  ): Promise<RunCheckpoints | undefined> {
    if (flags.checkpointDir === undefined) return undefined;
    const dir = await CheckpointDir.open(flags.checkpointDir, flags.checkpointKeep);
    const found = flags.resume
      ? await dir.newest(
        fingerprint,
        RESUMABLE_FIELDS,
        (line) => console.error(`webgnn: warning: ${line}`),
      )
      : undefined;
    if (flags.resume && !found) {
      console.log(`webgnn: --resume: no checkpoint in ${dir.dir} yet, starting at epoch 1`);
    } else if (found) {
      const epoch = found.checkpoint.epoch;
      console.log(
        `webgnn: resuming from ${found.path}: epoch ${epoch} done, ` +
          (epoch < flags.epochs
            ? `continuing at epoch ${epoch + 1} of ${flags.epochs}`
            : `nothing left of ${flags.epochs} epochs`),
      );
    }
    return new RunCheckpoints(dir, flags, fingerprint, found?.checkpoint);
  }

  /**
   * Writes the checkpoint found by `--resume` into `model`; returns the
   * epoch it finished (0 when there is none: the run starts afresh).
   */
  resume(device: Device, model: SageModel): number {
    if (!this.found) return 0;
    writeTrainingState(device, model, this.found.state);
    return this.found.epoch;
  }

  /** After `epoch`: a checkpoint every `--checkpoint_every` epochs and after the last. */
  async afterEpoch(device: Device, model: SageModel, epoch: number): Promise<void> {
    if (epoch % this.flags.checkpointEvery !== 0 && epoch !== this.flags.epochs) return;
    const state = await readTrainingState(device, model);
    const saved = await this.dir.save({ epoch, fingerprint: this.fingerprint, state });
    console.log(
      `webgnn: checkpoint ${saved.path} (${(saved.bytes / 2 ** 20).toFixed(1)} MiB in ${
        saved.ms.toFixed(0)
      } ms)`,
    );
  }
}

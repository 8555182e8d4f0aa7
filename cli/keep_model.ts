import type { Device } from "../engine/device.ts";
import type { SageModel } from "../engine/sage_model.ts";
import { loadSafetensors } from "../engine/safetensors_file.ts";
import { saveSageModel } from "../engine/sage_model_file.ts";
import type { ModelFileOptions } from "./model_file_options.ts";

/**
 * What the epoch loop tells whoever keeps the model.
 *
 * @example
 * ```ts
 * import type { ModelKeeper } from "./keep_model.ts";
 * const quiet: ModelKeeper = { evaluated: () => Promise.resolve(), finished: () => Promise.resolve() };
 * ```
 */
export interface ModelKeeper {
  /** After each epoch; `accuracy` is undefined when the epoch was not evaluated. */
  evaluated(
    epoch: number,
    accuracy: { validAccuracy: number | null; testAccuracy: number } | undefined,
  ): Promise<void>;
  /** After the last epoch. */
  finished(): Promise<void>;
}

/**
 * Where and what to keep, and who writes.
 *
 * @example
 * ```ts ignore
 * const options: KeepOptions = { device, model, path: "m.safetensors", best: false, write: true, print: true, metadata: {} };
 * ```
 */
export interface KeepOptions {
  readonly device: Device;
  readonly model: SageModel;
  /** `--save_model`: the safetensors file to write. */
  readonly path: string;
  /** `--save_best`: keep the model of the best validation accuracy instead of the last one. */
  readonly best: boolean;
  /** Whether this process writes (rank 0 of a cluster: every rank holds the same parameters). */
  readonly write: boolean;
  /** Whether this process prints where the model went. */
  readonly print: boolean;
  /** The run's own metadata strings (fan-out, dataset, class count...). */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * The epoch a resumed run starts after (`--resume`; default 0): with
   * `best`, the model the interrupted run kept from those epochs is the best
   * to beat, not nothing.
   */
  readonly resumedAfter?: number;
  /**
   * The validation figure the keeper hears: `accuracy` (node classification, the default) or
   * `auc` (link prediction's ROC-AUC); it names the metadata fields and the printed line.
   */
  readonly metric?: "accuracy" | "auc";
}

/**
 * Keeps the trained model as a safetensors file PyTorch loads (see
 * `saveSageModel`): the last epoch's model at the end, or with `best` the
 * model of the best validation accuracy so far, written each time it
 * improves (so a run that dies keeps its best; resumed, it goes on from the
 * best the file holds; with `metric: "auc"` the best validation AUC). The
 * metadata adds the epoch and its validation and
 * test accuracy.
 *
 * @example
 * ```ts ignore
 * import { modelKeeper } from "./keep_model.ts";
 * const keeper = modelKeeper({ device, model, path: "sage.safetensors", best: true, write: true, print: true, metadata: {} });
 * ```
 */
export function modelKeeper(o: KeepOptions): ModelKeeper {
  const metric = o.metric ?? "accuracy", label = metric === "auc" ? "AUC" : "accuracy";
  let best: { epoch: number; valid: number } | undefined;
  // A resumed run first learns the best its predecessor kept.
  let primed = !(o.best && o.write && (o.resumedAfter ?? 0) > 0);
  const prime = async () => {
    if (primed) return;
    primed = true;
    best = await keptBest(o.path, o.resumedAfter ?? 0, metric);
  };
  let last: { epoch: number; valid: number | null; test: number | null } | undefined;
  const save = async (epoch: number, valid: number | null, test: number | null) => {
    if (!o.write) return;
    await saveSageModel(o.path, o.device, o.model, {
      ...o.metadata,
      epoch: String(epoch),
      ...(valid === null ? {} : { [`valid_${metric}`]: valid.toFixed(6) }),
      ...(test === null ? {} : { [`test_${metric}`]: test.toFixed(6) }),
      kept: o.best ? `best validation ${label}` : "last epoch",
    });
  };
  const say = (line: string) => {
    if (o.print && o.write) console.log(`webgnn: ${line}`);
  };
  return {
    async evaluated(epoch, accuracy) {
      await prime();
      last = {
        epoch,
        valid: accuracy?.validAccuracy ?? null,
        test: accuracy?.testAccuracy ?? null,
      };
      const valid = accuracy?.validAccuracy;
      if (!o.best || valid === undefined || valid === null) return;
      if (best !== undefined && valid <= best.valid) return;
      best = { epoch, valid };
      await save(epoch, valid, accuracy!.testAccuracy);
    },
    async finished() {
      await prime();
      if (o.best && best) {
        say(
          `saved the model of epoch ${best.epoch} (best valid ${label} ${
            best.valid.toFixed(4)
          }) to ${o.path}`,
        );
        return;
      }
      if (!last) return;
      if (o.best) {
        say(`no validation ${label} was measured (no validation data): keeping the last model`);
      }
      await save(last.epoch, last.valid, last.test);
      say(`saved the model of epoch ${last.epoch} to ${o.path}`);
    },
  };
}

/**
 * The best validation accuracy of the model kept at `path` by `--save_best`
 * from an epoch up to `after`; undefined when there is none (no file, not a
 * best-kept model, or one from later epochs than the checkpoint resumed).
 */
async function keptBest(
  path: string,
  after: number,
  metric: "accuracy" | "auc",
): Promise<{ epoch: number; valid: number } | undefined> {
  let metadata: Record<string, string>;
  try {
    metadata = (await loadSafetensors(path)).metadata;
  } catch {
    return undefined;
  }
  const epoch = Number(metadata.epoch), valid = Number(metadata[`valid_${metric}`]);
  if (
    metadata.kept !== `best validation ${metric === "auc" ? "AUC" : "accuracy"}` ||
    !(epoch <= after) || !Number.isFinite(valid)
  ) {
    return undefined;
  }
  return { epoch, valid };
}

/**
 * The `keeper` of a run's `TrainingSetup` for its `--save_model` and
 * `--save_best` flags (none without `--save_model`); the metadata records
 * the fan-out, dataset and class count beside the model's shape.
 *
 * @example
 * ```ts ignore
 * const setup = { ...keeperFor(flags, { device, model, write: rank === 0, dataset: "synthetic" }) };
 * ```
 */
export function keeperFor(
  flags: ModelFileOptions & {
    readonly fanout: readonly number[];
    readonly dropout: number;
    readonly task?: "node" | "link";
  },
  o: {
    device: Device;
    model: SageModel;
    write: boolean;
    dataset: string;
    /** The epoch a resumed run starts after. */
    resumedAfter?: number;
  },
): { keeper?: ModelKeeper } {
  if (flags.saveModel === undefined) return {};
  return {
    keeper: modelKeeper({
      device: o.device,
      model: o.model,
      path: flags.saveModel,
      best: flags.saveBest,
      write: o.write,
      print: o.write,
      ...(o.resumedAfter === undefined ? {} : { resumedAfter: o.resumedAfter }),
      ...(flags.task === "link" ? { metric: "auc" as const } : {}),
      metadata: {
        producer: "webgnn",
        dataset: o.dataset,
        ...(flags.task === "link"
          ? { task: "link", embedding_dim: String(o.model.outDim) }
          : { num_classes: String(o.model.outDim) }),
        num_features: String(o.model.inDim),
        fanout: flags.fanout.join(","),
        dropout: String(flags.dropout),
      },
    }),
  };
}

import type { Command } from "commander";
import type { Device } from "../engine/device.ts";
import type { SageModel } from "../engine/sage_model.ts";
import { initSageModel } from "../engine/sage_model_file.ts";
import { SafetensorsFormatError } from "../engine/safetensors.ts";
import { UsageError } from "./usage_error.ts";

/**
 * The flags that keep a model or start from one.
 *
 * @example
 * ```ts
 * import type { ModelFileOptions } from "./model_file_options.ts";
 * const none: ModelFileOptions = { saveModel: undefined, saveBest: false, initModel: undefined };
 * ```
 */
export interface ModelFileOptions {
  /** `--save_model`: where the trained model goes, as safetensors. */
  readonly saveModel: string | undefined;
  /** `--save_best`: keep the model of the best validation accuracy, not the last. */
  readonly saveBest: boolean;
  /** `--init_model`: a safetensors model to start from. */
  readonly initModel: string | undefined;
}

/**
 * Adds `--save_model`, `--save_best` and `--init_model` to a training command.
 *
 * @example
 * ```ts
 * import { newProgram } from "./flags.ts";
 * import { addModelFileOptions, readModelFileOptions } from "./model_file_options.ts";
 * const p = addModelFileOptions(newProgram("x", "x"));
 * p.parse(["--save_model=m.safetensors", "--save_best"], { from: "user" });
 * console.log(readModelFileOptions(p).saveBest); // true
 * ```
 */
export function addModelFileOptions(p: Command): Command {
  return p
    .option(
      "--save_model <path>",
      "write the trained model here as safetensors, under PyG GraphSAGE's tensor names",
    )
    .option(
      "--save_best",
      "with --save_model: keep the model of the best validation accuracy (AUC with --task=link)",
    )
    .option(
      "--init_model <path>",
      "start from this safetensors model (same shape) instead of random weights",
    );
}

/**
 * Reads the flags {@linkcode addModelFileOptions} added (absent ones read as
 * unset), checking that `--save_best` comes with `--save_model` and that
 * `--init_model` is a readable file.
 *
 * @example
 * ```ts ignore
 * const files = readModelFileOptions(program);
 * ```
 */
export function readModelFileOptions(p: Command): ModelFileOptions {
  const o = p.opts();
  if (o.save_best && o.save_model === undefined) {
    p.error("--save_best keeps the best model in --save_model's file: give --save_model=PATH too");
  }
  if (o.init_model !== undefined) {
    try {
      if (!Deno.statSync(o.init_model).isFile) {
        p.error(`--init_model=${o.init_model} is not a file`);
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        p.error(`--init_model=${o.init_model}: no such file`);
      }
      throw err;
    }
  }
  return {
    saveModel: o.save_model,
    saveBest: Boolean(o.save_best),
    initModel: o.init_model,
  };
}

/**
 * Loads `--init_model` into a freshly built model; a file that is not
 * safetensors or holds another model shape is a usage error naming the
 * flag, the file, the tensor and both shapes.
 *
 * @example
 * ```ts ignore
 * await startFrom(device, model, "pretrained.safetensors");
 * ```
 */
export async function startFrom(
  device: Device,
  model: SageModel,
  path: string,
): Promise<Record<string, string>> {
  try {
    return await initSageModel(device, model, path);
  } catch (err) {
    if (err instanceof RangeError || err instanceof SafetensorsFormatError) {
      throw new UsageError(`--init_model=${err.message}`);
    }
    throw err;
  }
}

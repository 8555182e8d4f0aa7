import { finiteNumber, newProgram, nonNegativeInt, parseFanout, positiveInt } from "./flags.ts";

/** How predictions are written: CSV text, or safetensors (raw arrays after a JSON header). */
export type PredictionFormat = "csv" | "safetensors";

/** The flags of `deno task predict`, parsed and checked. */
export interface PredictFlags {
  /** The safetensors model to predict with. */
  readonly model: string;
  readonly dataset: string;
  readonly datasetRootDir: string | undefined;
  readonly split: string | undefined;
  readonly scale: number;
  /** Seed of the synthetic graph and of sampled inference. */
  readonly seed: number;
  /** A file listing the nodes to predict (default: every node). */
  readonly nodes: string | undefined;
  readonly output: string;
  readonly format: PredictionFormat;
  readonly probabilities: boolean;
  readonly inference: "layerwise" | "sampled";
  /** Neighbours per hop for sampled inference (default: the model's own fan-out). */
  readonly fanout: number[] | undefined;
  /** `--edge_weight`: sampled inference draws neighbours by edge weight. */
  readonly edgeWeight: boolean;
  readonly batchSize: number;
  readonly device: "auto" | "webgpu" | "cpu";
  readonly cpuThreads: number | undefined;
  readonly quiet: boolean;
}

/**
 * The `predict` command's flags. The output's format follows its extension
 * (`.csv`, `.safetensors`) unless `--format` names one; any other extension
 * without `--format` is a usage error, as is a missing `--model` or
 * `--output`, or a model or node list that is not a file.
 *
 * @example
 * ```ts
 * import { parsePredictFlags } from "./predict_flags.ts";
 * const model = `${await Deno.makeTempDir()}/sage.safetensors`;
 * await Deno.writeFile(model, new Uint8Array(8));
 * const f = parsePredictFlags([`--model=${model}`, "--output=p.csv"]);
 * console.log(f.format, f.inference); // csv layerwise
 * ```
 */
export function parsePredictFlags(args: string[]): PredictFlags {
  const p = predictProgram().parse(args, { from: "user" });
  const o = p.opts();
  if (o.model === undefined) {
    p.error("--model=PATH is needed: the safetensors model to predict with");
  }
  if (o.output === undefined) p.error("--output=FILE is needed: where the predictions go");
  const byExtension = /\.csv$/i.test(o.output)
    ? "csv"
    : /\.safetensors$/i.test(o.output)
    ? "safetensors"
    : undefined;
  const format = o.format ?? byExtension ??
    p.error(
      `--output=${o.output}: name a .csv or .safetensors file, or give --format=csv|safetensors`,
    );
  if (format !== "csv" && format !== "safetensors") {
    p.error(`--format must be csv or safetensors, got "${format}"`);
  }
  if (o.inference !== "layerwise" && o.inference !== "sampled") {
    p.error(`--inference must be layerwise or sampled, got "${o.inference}"`);
  }
  if (!["auto", "webgpu", "cpu"].includes(o.device)) {
    p.error(`--device must be auto, webgpu or cpu, got "${o.device}"`);
  }
  if (o.fanout !== undefined && o.inference !== "sampled") {
    p.error("--fanout is read only with --inference=sampled (layer-wise uses every neighbour)");
  }
  if (o.edge_weight && o.inference !== "sampled") {
    p.error(
      "--edge_weight is read only with --inference=sampled (layer-wise uses every neighbour)",
    );
  }
  if (o.dataset !== "synthetic" && p.getOptionValueSource("scale") === "cli") {
    p.error(`--scale has no effect with --dataset=${o.dataset}: only the synthetic graph has one`);
  }
  for (const [flag, path] of [["--model", o.model], ["--nodes", o.nodes]] as const) {
    if (path !== undefined && !isFile(path)) p.error(`${flag}=${path}: no such file`);
  }
  return {
    model: o.model,
    dataset: o.dataset,
    datasetRootDir: o.dataset_root_dir,
    split: o.split,
    scale: o.scale,
    seed: o.seed,
    nodes: o.nodes,
    output: o.output,
    format,
    probabilities: Boolean(o.probabilities),
    inference: o.inference,
    fanout: o.fanout,
    edgeWeight: o.edge_weight === true,
    batchSize: o.batch_size,
    device: o.device,
    cpuThreads: o.cpu_threads,
    quiet: Boolean(o.quiet),
  };
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function predictProgram() {
  return newProgram(
    "predict",
    "predict node classes with a saved GraphSAGE model (deno task train --save_model)",
  )
    .option("--model <path>", "the safetensors model (PyG GraphSAGE tensor names)")
    .option(
      "--dataset <name>",
      "synthetic; ogb (any OGB-layout directory, with --dataset_root_dir); an OGB " +
        "node-property dataset (e.g. ogbn-products); or an OGB-layout directory's path",
      "synthetic",
    )
    .option("--dataset_root_dir <dir>", "OGB dataset directory")
    .option("--split <name>", "which split/NAME/ of an OGB directory, when it has several")
    .option(
      "--scale <x>",
      "synthetic dataset size as a fraction of ogbn-products",
      finiteNumber,
      0.01,
    )
    .option("--seed <n>", "seed of the synthetic graph and of sampled inference", nonNegativeInt, 0)
    .option(
      "--nodes <file>",
      "predict only these nodes: one id per line (first comma-separated field; a header line is skipped)",
    )
    .option("--output <file>", "where the predictions go: FILE.csv or FILE.safetensors")
    .option("--format <kind>", "csv or safetensors (default: from --output's extension)")
    .option("--probabilities", "write every class's probability beside the predicted class")
    .option(
      "--inference <mode>",
      "layerwise (every layer once over all nodes, full neighbourhoods) or sampled (fan-out per node)",
      "layerwise",
    )
    .option(
      "--fanout <list>",
      "with --inference=sampled: neighbours per hop (default: the model's)",
      parseFanout,
    )
    .option(
      "--edge_weight",
      "with --inference=sampled: neighbours drawn by edge weight (for a model trained so)",
    )
    .option("--batch_size <n>", "nodes per minibatch of sampled inference", positiveInt, 2048)
    .option("--device <kind>", "auto, webgpu or cpu", "auto")
    .option("--cpu_threads <n>", "threads of the CPU backend (default: all cores)", positiveInt)
    .option("--quiet", "no progress lines");
}

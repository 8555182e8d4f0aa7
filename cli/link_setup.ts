import type { Device } from "../engine/device.ts";
import type { LinkEdges } from "../engine/link_split.ts";
import { LinkMinibatchSource } from "../engine/link_minibatch_source.ts";
import { linkTrainable } from "../engine/link_trainable.ts";
import type { MinibatchSource } from "../engine/minibatch_source.ts";
import type { SageModel } from "../engine/sage_model.ts";
import { type EvaluationEdges, linkEvaluator } from "./link_evaluator.ts";
import type { TrainingSetup } from "./run_training.ts";
import type { TrainingOptions } from "./shared_options.ts";

/** What one trainer of `--task=link` holds. */
export interface LinkSetupPlan {
  readonly device: Device;
  readonly model: SageModel;
  /** The node source (local, the partition server's Worker, or a sampling server). */
  readonly source: MinibatchSource;
  /** This trainer's training edges, global ids; edge `i` is training edge `firstEdge + i`. */
  readonly train: LinkEdges;
  readonly firstEdge: number;
  /** Every validation and test edge, with the dataset's fixed negatives if any. */
  readonly eval: EvaluationEdges;
  readonly numNodes: number;
  /** This trainer's share of the evaluation edges: `index` of `count`. */
  readonly share: { readonly index: number; readonly count: number };
  /** Sums a vector across the trainers in place (absent for one trainer). */
  readonly sum?: (v: Float32Array) => Promise<void>;
}

/**
 * The link-prediction part of a trainer's `TrainingSetup`, the same on one
 * node, in collocated mode and for a server-client client: the model with
 * the link loss, minibatches of training edges (`LinkMinibatchSource` over
 * the node source: `--neg_sampling` and `--neg_ratio` negatives, the batch's
 * own edges and their reverses excluded), the trainer's global training-edge
 * ids as its seeds (so the epoch reports count edges), and the evaluation
 * of validation and test edges (`linkEvaluator`).
 *
 * @example
 * ```ts ignore
 * import { linkSetup } from "./link_setup.ts";
 * const setup = { ...linkSetup(plan, flags), name: "trainer 0", print: true };
 * ```
 */
export function linkSetup(
  plan: LinkSetupPlan,
  flags: Pick<TrainingOptions, "lr" | "seed" | "evalBatchSize" | "negSampling" | "negRatio">,
): Pick<
  TrainingSetup,
  "model" | "source" | "trainSeeds" | "validSeeds" | "testSeeds" | "evaluateLinks"
> {
  const source = new LinkMinibatchSource(plan.device, plan.source, plan.train, {
    numNodes: plan.numNodes,
    firstEdge: plan.firstEdge,
    negatives: { mode: flags.negSampling, ratio: flags.negRatio },
  });
  const model = linkTrainable(plan.model, flags.lr);
  const n = plan.train.source.length;
  return {
    model,
    source,
    trainSeeds: Int32Array.from({ length: n }, (_, i) => plan.firstEdge + i),
    validSeeds: new Int32Array(0),
    testSeeds: new Int32Array(0),
    evaluateLinks: linkEvaluator({
      device: plan.device,
      model,
      source: plan.source,
      edges: plan.eval,
      numNodes: plan.numNodes,
      share: plan.share,
      batchSize: flags.evalBatchSize,
      seed: flags.seed,
      ...(plan.sum ? { sum: plan.sum } : {}),
    }),
  };
}

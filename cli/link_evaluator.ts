import type { Device } from "../engine/device.ts";
import { evaluateLinks } from "../engine/evaluate_links.ts";
import type { Predictor } from "../engine/evaluate.ts";
import { linkMetrics, type LinkScores } from "../engine/link_metrics.ts";
import type { LinkEdges } from "../engine/link_split.ts";
import type { MinibatchSource } from "../engine/minibatch_source.ts";
import { randomLinkEdges } from "../engine/random_link_edges.ts";
import type { LinkEvaluation, LinkFigures } from "./run_training.ts";

/** The validation and test edges of a link-prediction run, with the dataset's fixed negatives if any. */
export interface EvaluationEdges {
  readonly valid: LinkEdges;
  readonly test: LinkEdges;
  readonly validNeg?: LinkEdges | undefined;
  readonly testNeg?: LinkEdges | undefined;
}

/** What a trainer evaluates link prediction with. */
export interface LinkEvaluatorPlan {
  readonly device: Device;
  readonly model: Predictor;
  /** The plain node source (nothing excluded), with the training fan-outs. */
  readonly source: MinibatchSource;
  /** Every validation and test edge (each trainer scores its share), and fixed negatives if any. */
  readonly edges: EvaluationEdges;
  /** Nodes of the graph: random negatives are drawn from them. */
  readonly numNodes: number;
  /** This trainer's share: `index` of `count` trainers (one trainer: 0 of 1). */
  readonly share: { readonly index: number; readonly count: number };
  readonly batchSize: number;
  /** `--seed`: the random negatives and the sampling derive from it. */
  readonly seed: number;
  /** Sums a vector across the trainers in place (absent for one trainer). */
  readonly sum?: (v: Float32Array) => Promise<void>;
}

/**
 * The epoch loop's link-prediction evaluation (`TrainingSetup.evaluateLinks`),
 * GLT's and OGB's: for validation then test, each trainer scores a
 * contiguous share of the positive edges and of the negatives (the
 * dataset's fixed ones, or as many random pairs as positives, the same
 * pairs every epoch and whatever the number of trainers), the scores are
 * combined by one sum across the trainers (each fills its slice of a
 * zero vector), and every trainer computes the same figures from all of
 * them: ROC-AUC and recall, and Hits@K and MRR with fixed negatives.
 *
 * @example
 * ```ts ignore
 * import { linkEvaluator } from "./link_evaluator.ts";
 * const evaluateLinks = linkEvaluator({ device, model, source, edges, numNodes, share: { index: 0, count: 1 }, batchSize: 2048, seed: 0 });
 * ```
 */
export function linkEvaluator(
  plan: LinkEvaluatorPlan,
): (epoch: number) => Promise<LinkEvaluation> {
  const { edges, numNodes, seed } = plan;
  // The dataset's fixed negatives, or random pairs drawn alike by every trainer each epoch.
  const negatives = (fixed: LinkEdges | undefined, k: number) => (first: number, count: number) =>
    fixed ? slice(fixed, first, count) : randomLinkEdges(numNodes, count, seed * 1000 + k, first);
  const valid = { positive: edges.valid, negative: negatives(edges.validNeg, 17) };
  const test = { positive: edges.test, negative: negatives(edges.testNeg, 19) };
  const negCount = (fixed: LinkEdges | undefined, positives: LinkEdges) =>
    fixed ? fixed.source.length : positives.source.length;
  return async (epoch) => ({
    valid: await figures(
      plan,
      valid.positive,
      valid.negative,
      negCount(edges.validNeg, edges.valid),
      edges.validNeg !== undefined,
      seed * 1000 + epoch + 700,
    ),
    test: await figures(
      plan,
      test.positive,
      test.negative,
      negCount(edges.testNeg, edges.test),
      edges.testNeg !== undefined,
      seed * 1000 + epoch + 500,
    ),
  });
}

/** One split's figures: this trainer's share scored, all shares summed, metrics of all. */
async function figures(
  plan: LinkEvaluatorPlan,
  positive: LinkEdges,
  negative: (first: number, count: number) => LinkEdges,
  numNegative: number,
  ranking: boolean,
  seed: number,
): Promise<LinkFigures | null> {
  const numPositive = positive.source.length;
  if (numPositive === 0) return null;
  const p = shareOf(numPositive, plan.share), q = shareOf(numNegative, plan.share);
  const mine: LinkScores = p.count + q.count === 0
    ? { positive: new Float32Array(0), negative: new Float32Array(0) }
    : await evaluateLinks(
      plan.device,
      plan.model,
      plan.source,
      { positive: slice(positive, p.first, p.count), negative: negative(q.first, q.count) },
      plan.batchSize,
      seed,
    );
  const all = new Float32Array(numPositive + numNegative);
  all.set(mine.positive, p.first);
  all.set(mine.negative, numPositive + q.first);
  await plan.sum?.(all);
  return linkMetrics(
    { positive: all.subarray(0, numPositive), negative: all.subarray(numPositive) },
    { ranking },
  );
}

/** Trainer `index` of `count`'s contiguous share of `n` items. */
function shareOf(n: number, share: { index: number; count: number }) {
  const first = Math.floor(n * share.index / share.count);
  return { first, count: Math.floor(n * (share.index + 1) / share.count) - first };
}

function slice(e: LinkEdges, first: number, count: number): LinkEdges {
  return {
    source: e.source.subarray(first, first + count),
    target: e.target.subarray(first, first + count),
  };
}

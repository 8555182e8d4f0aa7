import { hitsAtK } from "./hits_at_k.ts";
import { meanReciprocalRank } from "./mean_reciprocal_rank.ts";
import { rocAuc } from "./roc_auc.ts";

/**
 * Scores (dot products of the endpoints' embeddings, logits of the link) of
 * positive and negative edges, as `evaluateLinks` returns them. Scores of
 * several ranks' shares of the edges concatenate into the scores of all.
 *
 * @example
 * ```ts
 * import type { LinkScores } from "./link_metrics.ts";
 * const join = (a: LinkScores, b: LinkScores): LinkScores => ({
 *   positive: Float32Array.of(...a.positive, ...b.positive),
 *   negative: Float32Array.of(...a.negative, ...b.negative),
 * });
 * ```
 */
export interface LinkScores {
  /** One score per positive edge, in the order given. */
  readonly positive: Float32Array;
  /** One score per negative edge, in the order given. */
  readonly negative: Float32Array;
}

/**
 * Link-prediction figures: GLT's (ROC-AUC and recall over positives and as
 * many random negatives) and, when the negatives are a dataset's fixed ones,
 * OGB's (Hits@K, MRR).
 *
 * @example
 * ```ts
 * import type { LinkMetrics } from "./link_metrics.ts";
 * const line = (m: LinkMetrics) => `auc ${m.auc.toFixed(4)} recall ${m.recall.toFixed(4)}`;
 * ```
 */
export interface LinkMetrics {
  /** ROC-AUC of positive against negative scores. */
  readonly auc: number;
  /** Share of positives predicted as links (score above 0, i.e. sigmoid above 0.5). */
  readonly recall: number;
  /**
   * GLT's printed "AUC": `roc_auc_score` of the rounded sigmoid, which is the mean of the
   * positives' and the negatives' recall (balanced accuracy), for comparing with its logs.
   */
  readonly roundedAuc: number;
  /** Hits@K for each K asked for (`ranking`), keyed by K. */
  readonly hits?: Readonly<Record<number, number>>;
  /** Mean reciprocal rank of the positives among the negatives (`ranking`). */
  readonly mrr?: number;
}

/**
 * Options of {@linkcode linkMetrics}.
 *
 * @example
 * ```ts
 * import type { LinkMetricsOptions } from "./link_metrics.ts";
 * const ogb: LinkMetricsOptions = { ranking: true, hitsK: [20, 50, 100] };
 * ```
 */
export interface LinkMetricsOptions {
  /** Also rank positives among the negatives: Hits@K and MRR, OGB's figures for fixed negatives. */
  readonly ranking?: boolean;
  /** The K of Hits@K (default 20, 50 and 100). */
  readonly hitsK?: readonly number[];
  /** Negatives per positive, each positive's own (ogbl-citation2); default: all negatives shared. */
  readonly negativesPerPositive?: number;
}

/**
 * The link-prediction figures of all scores: every rank that scored a share
 * of the edges gathers everyone's scores and calls this, so all report the
 * same figures.
 *
 * @example
 * ```ts
 * import { linkMetrics } from "./link_metrics.ts";
 * const m = linkMetrics(
 *   { positive: new Float32Array([2, -1]), negative: new Float32Array([0.5, -3]) },
 *   { ranking: true, hitsK: [1] },
 * );
 * console.log(m.auc, m.recall, m.roundedAuc, m.hits![1]); // 0.75 0.5 0.5 0.5
 * ```
 */
export function linkMetrics(scores: LinkScores, options: LinkMetricsOptions = {}): LinkMetrics {
  const { positive, negative } = scores;
  let above = 0, below = 0;
  for (const s of positive) if (s > 0) above++;
  for (const s of negative) if (s <= 0) below++;
  const recall = above / Math.max(1, positive.length);
  const base = {
    auc: rocAuc(positive, negative),
    recall,
    roundedAuc: (recall + below / Math.max(1, negative.length)) / 2,
  };
  if (!options.ranking) return base;
  const hits: Record<number, number> = {};
  for (const k of options.hitsK ?? [20, 50, 100]) {
    hits[k] = hitsAtK(positive, negative, k, options.negativesPerPositive);
  }
  return {
    ...base,
    hits,
    mrr: meanReciprocalRank(positive, negative, options.negativesPerPositive),
  };
}

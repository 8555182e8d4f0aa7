import assert from "node:assert/strict";
import { hitsAtK } from "../../engine/hits_at_k.ts";
import { linkMetrics } from "../../engine/link_metrics.ts";
import { meanReciprocalRank } from "../../engine/mean_reciprocal_rank.ts";
import { randomLinkEdges } from "../../engine/random_link_edges.ts";
import { rocAuc } from "../../engine/roc_auc.ts";

const close = (got: number, want: number, what: string) =>
  assert.ok(Math.abs(got - want) < 1e-12, `${what}: ${got}, expected ${want}`);

Deno.test("rocAuc() counts positive-negative pairs in order, ties as half", () => {
  close(rocAuc([3, 2], [1, 0]), 1, "separated");
  close(rocAuc([0, 1], [2, 3]), 0, "reversed");
  // Pairs (pos, neg): (0.9 > 0.5, 0.9 > 0.1, 0.4 < 0.5, 0.4 > 0.1): 3 of 4.
  close(rocAuc([0.9, 0.4], [0.5, 0.1]), 0.75, "mixed");
  // 1 vs 1 tie (0.5), 1 > 0 (1), 2 > 1 and 2 > 0 (2): 3.5 of 4.
  close(rocAuc([1, 2], [1, 0]), 0.875, "a tie");
  close(rocAuc([5, 5, 5], [5, 5]), 0.5, "all tied");
  assert.ok(Number.isNaN(rocAuc([], [1])));
});

Deno.test("rocAuc() is NaN when a score is NaN, as scikit-learn refuses one", () => {
  assert.ok(Number.isNaN(rocAuc([3, 2], [NaN, 1, 0])), "a NaN negative");
  assert.ok(Number.isNaN(rocAuc([NaN, 3, 2], [1, 0])), "a NaN positive");
  assert.ok(Number.isNaN(
    linkMetrics({
      positive: new Float32Array([3, 2]),
      negative: new Float32Array([NaN, 1]),
    }).auc,
  ));
});

Deno.test("hitsAtK() is the share of positives strictly above the K-th best negative", () => {
  // Negatives 0.7, 0.5, 0.1: K=1 threshold 0.7, K=2 0.5, K=3 0.1.
  const pos = [0.9, 0.5, 0.4], neg = [0.1, 0.7, 0.5];
  close(hitsAtK(pos, neg, 1), 1 / 3, "K=1");
  close(hitsAtK(pos, neg, 2), 1 / 3, "K=2: 0.5 ties the threshold, not above");
  close(hitsAtK(pos, neg, 3), 1, "K=3");
  close(hitsAtK(pos, neg, 4), 1, "fewer negatives than K (OGB: 1)");
  assert.throws(() => hitsAtK(pos, neg, 0), /K is 0/);
  // Own negatives: positive 0 (1.0) vs [2, 1] -> rank 2.5; positive 1 (1.0) vs [0, 0] -> rank 1.
  close(hitsAtK([1, 1], [2, 1, 0, 0], 1, 2), 1 / 2, "K=1 per positive");
  close(hitsAtK([1, 1], [2, 1, 0, 0], 2, 2), 1 / 2, "K=2 per positive: 2.5 is past 2");
  close(hitsAtK([1, 1], [2, 1, 0, 0], 3, 2), 1, "K=3 per positive");
});

Deno.test("meanReciprocalRank() ranks each positive among the negatives, ties averaged", () => {
  // 0.9: rank 1; 0.5: above 0.7, tie with 0.5 -> 1 + 1 + 0.5 = 2.5; 0.0: 4.
  close(meanReciprocalRank([0.9, 0.5, 0], [0.1, 0.7, 0.5]), (1 + 1 / 2.5 + 1 / 4) / 3, "shared");
  // Own negatives: positive 0 (1.0) vs [2, 0] -> rank 2; positive 1 (1.0) vs [0, 0] -> rank 1.
  close(meanReciprocalRank([1, 1], [2, 0, 0, 0], 2), (1 / 2 + 1) / 2, "per positive");
  assert.throws(() => meanReciprocalRank([1, 1], [2, 0, 0], 2), /3 negatives for 2 positives/);
});

/** The direct definition: each positive against every negative, above counting 1 and equal 1/2. */
function mrr64(positive: ArrayLike<number>, negative: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < positive.length; i++) {
    let above = 0, ties = 0;
    for (let j = 0; j < negative.length; j++) {
      if (negative[j]! > positive[i]!) above++;
      else if (negative[j] === positive[i]) ties++;
    }
    sum += 1 / (1 + above + ties / 2);
  }
  return sum / positive.length;
}

Deno.test("meanReciprocalRank() with shared negatives matches the direct count, ties and NaN included", () => {
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const [p, n, levels] of [[50, 80, 5], [200, 30, 1000], [1, 1, 2], [40, 0, 3]] as const) {
    // Few distinct levels: many ties among and across the two lists.
    const score = () => Math.floor(next() * levels) / levels - 0.5;
    const positive = Float32Array.from({ length: p }, score);
    const negative = Float32Array.from({ length: n }, score);
    if (n > 2) negative[1] = NaN;
    close(meanReciprocalRank(positive, negative), mrr64(positive, negative), `${p} x ${n}`);
  }
});

Deno.test("meanReciprocalRank() ranks ogbl-ppa-sized shared lists (a million each) without a pairwise pass", () => {
  // Integer scores 0..99: the rank of a score follows from the negatives' histogram.
  const m = 1_000_000;
  const positive = new Float32Array(m), negative = new Float32Array(m);
  const count = new Float64Array(100);
  for (let i = 0; i < m; i++) {
    positive[i] = (i * 37) % 100;
    negative[i] = (i * 61 + 3) % 100;
    count[negative[i]!]!++;
  }
  let want = 0;
  for (let i = 0; i < m; i++) {
    let above = 0;
    for (let v = positive[i]! + 1; v < 100; v++) above += count[v]!;
    want += 1 / (1 + above + count[positive[i]!]! / 2);
  }
  close(meanReciprocalRank(positive, negative), want / m, "a million against a million");
});

Deno.test("linkMetrics() gives AUC and recall, and Hits@K and MRR when ranking", () => {
  const scores = { positive: new Float32Array([2, -1, 0.5]), negative: new Float32Array([1, -3]) };
  const plain = linkMetrics(scores);
  // Pairs: 2 > both, -1 > -3 only, 0.5 > -3 only: 4 of 6. Recall: 2 and 0.5 above 0.
  close(plain.auc, 4 / 6, "auc");
  close(plain.recall, 2 / 3, "recall");
  // GLT's rounded AUC: (recall of positives 2/3 + negatives at or below 0, 1/2) / 2.
  close(plain.roundedAuc, (2 / 3 + 1 / 2) / 2, "rounded auc");
  assert.equal(plain.hits, undefined);
  const ranked = linkMetrics(scores, { ranking: true, hitsK: [1, 2, 3] });
  close(ranked.hits![1]!, 1 / 3, "hits@1");
  close(ranked.hits![2]!, 1, "hits@2");
  close(ranked.hits![3]!, 1, "hits@3 with 2 negatives");
  close(ranked.mrr!, (1 + 1 / 2 + 1 / 2) / 3, "mrr");
  assert.deepEqual(Object.keys(linkMetrics(scores, { ranking: true }).hits!), ["20", "50", "100"]);
});

Deno.test("randomLinkEdges() draws by index: shares join into the whole draw, in range", () => {
  const all = randomLinkEdges(37, 100, 5);
  const a = randomLinkEdges(37, 40, 5), b = randomLinkEdges(37, 60, 5, 40);
  assert.deepEqual([...a.source, ...b.source], [...all.source]);
  assert.deepEqual([...a.target, ...b.target], [...all.target]);
  assert.ok([...all.source, ...all.target].every((v) => v >= 0 && v < 37));
  assert.notDeepEqual([...randomLinkEdges(37, 100, 6).source], [...all.source]);
});

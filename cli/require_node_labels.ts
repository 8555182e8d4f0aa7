import { UsageError } from "./usage_error.ts";

/**
 * Refuses node classification on a dataset without labelled classes (an
 * `ogbl-*` dataset has no `raw/node-label`; its split holds edges), before a
 * model with no output classes fails with a less telling message. `where`
 * names the dataset or partition directory; `links` says whether it holds
 * link-prediction edges.
 *
 * @example
 * ```ts
 * import { requireNodeLabels } from "./require_node_labels.ts";
 * requireNodeLabels("ogbn-arxiv", 40, false); // passes
 * try {
 *   requireNodeLabels("ogbl-collab", 0, true);
 * } catch (e) {
 *   console.log((e as Error).message.startsWith("ogbl-collab has no node labels")); // true
 * }
 * ```
 */
export function requireNodeLabels(where: string, numClasses: number, links: boolean): void {
  if (numClasses >= 1) return;
  throw new UsageError(
    `${where} has no node labels (no raw/node-label, or every node unlabeled), so node ` +
      "classification cannot train on it" +
      (links ? "; it holds link-prediction edges (train it for link prediction)" : ""),
  );
}

import { UsageError } from "./usage_error.ts";

/**
 * Refuses data the task cannot train on, before a model or a source fails
 * with a less telling message: `--task=link` needs link-prediction edges
 * (saying how to make them); node classification needs labelled classes (an
 * `ogbl-*` dataset has no `raw/node-label`; its split holds edges). `where`
 * names the dataset or partition directory.
 *
 * @example
 * ```ts
 * import { requireTaskData } from "./require_task_data.ts";
 * requireTaskData("ogbn-arxiv", "node", { numClasses: 40, links: false }); // passes
 * try {
 *   requireTaskData("ogbl-collab", "node", { numClasses: 0, links: true });
 * } catch (e) {
 *   console.log((e as Error).message.startsWith("ogbl-collab has no node labels")); // true
 * }
 * ```
 */
export function requireTaskData(
  where: string,
  task: "node" | "link",
  data: { readonly numClasses: number; readonly links: boolean },
): void {
  if (task === "link" && !data.links) {
    throw new UsageError(
      `--task=link: ${where} holds no link-prediction edges; partition with ` +
        "deno task partition --edge_split=0.85,0.05,0.10 (or from a dataset whose split/NAME/ " +
        "files list edges) to make them",
    );
  }
  if (task === "node" && data.numClasses < 1) {
    throw new UsageError(
      `${where} has no node labels (no raw/node-label, or every node unlabeled), so node ` +
        "classification cannot train on it" +
        (data.links ? "; it holds link-prediction edges (train it for link prediction)" : ""),
    );
  }
}

import { UsageError } from "./usage_error.ts";

/**
 * Refuses `--task=link` on a partition directory made without
 * link-prediction edges, saying how to make them. `where` names the
 * directory (`--dataset_root_dir=DIR`).
 *
 * @example
 * ```ts
 * import { requireLinkEdges } from "./require_link_edges.ts";
 * requireLinkEdges("--dataset_root_dir=p2", true); // passes
 * try {
 *   requireLinkEdges("--dataset_root_dir=p2", false);
 * } catch (e) {
 *   console.log((e as Error).message.startsWith("--task=link: --dataset_root_dir=p2")); // true
 * }
 * ```
 */
export function requireLinkEdges(where: string, links: boolean): void {
  if (links) return;
  throw new UsageError(
    `--task=link: ${where} holds no link-prediction edges; partition with ` +
      "deno task partition --edge_split=0.85,0.05,0.10 (or from a dataset whose split/NAME/ " +
      "files list edges) to make them",
  );
}

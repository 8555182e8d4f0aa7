import type { MinibatchServiceEvent } from "../dist/serving/minibatch_service.ts";

/**
 * What a sampling server prints as its clients come and go: a line when one
 * attaches, one per epoch once all its clients ended it, one when one
 * finishes (a handful of lines per epoch at most, so `--quiet` keeps them);
 * `metric` names the clients' figures (AUC for `--task=link`).
 *
 * @example
 * ```ts
 * import { serverLines } from "./server_lines.ts";
 * const print = serverLines("server 0");
 * print({ kind: "attached", client: 2, peer: "127.0.0.1:40000" });
 * // webgnn server 0: client 2 attached (127.0.0.1:40000)
 * ```
 */
export function serverLines(
  name: string,
  metric: "accuracy" | "AUC" = "accuracy",
): (event: MinibatchServiceEvent) => void {
  return (e) => {
    if (e.kind === "attached") {
      console.log(`webgnn ${name}: client ${e.client} attached (${e.peer})`);
    } else if (e.kind === "finished") {
      console.log(`webgnn ${name}: client ${e.client} finished`);
    } else if (e.kind === "epoch") {
      const valid = e.validAccuracy === null
        ? ""
        : `, valid ${metric} ${e.validAccuracy.toFixed(4)}`;
      const acc = e.testAccuracy === null
        ? ""
        : `${valid}, test ${metric} ${e.testAccuracy.toFixed(4)}`;
      console.log(
        `webgnn ${name}: epoch ${e.epoch}/${e.epochs}: ${e.minibatches} minibatches prepared in ` +
          `${(e.prepareMs / 1000).toFixed(2)} s, loss ${e.loss.toFixed(4)}${acc}`,
      );
    }
  };
}

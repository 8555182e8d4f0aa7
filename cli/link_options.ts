import type { Command } from "commander";
import { positiveInt } from "./flags.ts";

/** The flags that choose the task and, for link prediction, its negatives and embedding width. */
export interface LinkOptions {
  /** `node` (node classification, the default) or `link` (link prediction). */
  readonly task: "node" | "link";
  /** `binary` (both ends of a negative drawn at random, GLT's default) or `triplet`. */
  readonly negSampling: "binary" | "triplet";
  /** Negative pairs per positive training edge. */
  readonly negRatio: number;
  /** Width of the node embeddings link prediction learns (the last layer's output). */
  readonly outChannels: number;
}

/** The widest embedding, as `--hidden`'s bound. */
const MAX_WIDTH = 65_536;

/** The link flags other than `--task`: given with `--task=node`, each is a usage error. */
const LINK_ONLY = ["neg_sampling", "neg_ratio", "out_channels"];

/**
 * Adds `--task`, `--neg_sampling`, `--neg_ratio` and `--out_channels` (GLT's
 * link-prediction example's names) to a training command.
 *
 * @example
 * ```ts
 * import { newProgram } from "./flags.ts";
 * import { addLinkOptions, readLinkOptions } from "./link_options.ts";
 * const p = addLinkOptions(newProgram("x", "x"));
 * p.parse(["--task=link", "--neg_ratio=2"], { from: "user" });
 * console.log(readLinkOptions(p, 256)); // { task: "link", negSampling: "binary", negRatio: 2, outChannels: 256 }
 * ```
 */
export function addLinkOptions(p: Command): Command {
  return p
    .option(
      "--task <kind>",
      "node (classify nodes) or link (predict links: BCE on the dot product of two endpoints' embeddings)",
      "node",
    )
    .option(
      "--neg_sampling <mode>",
      "with --task=link: binary (negative pairs with both ends random) or triplet (each positive's " +
        "source with random destinations)",
      "binary",
    )
    .option("--neg_ratio <n>", "with --task=link: negative pairs per positive edge", positiveInt, 1)
    .option(
      "--out_channels <n>",
      "with --task=link: width of the node embeddings (default: --hidden)",
      positiveInt,
    );
}

/**
 * Reads and checks the flags {@linkcode addLinkOptions} added; `hidden` is
 * `--out_channels`' default. A link flag given with `--task=node`, or a bad
 * value, is a usage error naming the flag and what it takes.
 *
 * @example
 * ```ts ignore
 * const link = readLinkOptions(program, 256);
 * ```
 */
export function readLinkOptions(p: Command, hidden: number): LinkOptions {
  const o = p.opts();
  if (o.task !== "node" && o.task !== "link") {
    p.error(`--task must be node or link, got "${o.task}"`);
  }
  if (o.neg_sampling !== "binary" && o.neg_sampling !== "triplet") {
    p.error(`--neg_sampling must be binary or triplet, got "${o.neg_sampling}"`);
  }
  if (o.task === "node") {
    const given = LINK_ONLY.find((name) => p.getOptionValueSource(name) === "cli");
    if (given !== undefined) {
      p.error(`--${given} is read only with --task=link (link prediction); add --task=link`);
    }
  }
  if (o.out_channels > MAX_WIDTH) {
    p.error(
      `--out_channels must be at most ${MAX_WIDTH} (a ${o.out_channels}-wide layer cannot be held)`,
    );
  }
  return {
    task: o.task,
    negSampling: o.neg_sampling,
    negRatio: o.neg_ratio,
    outChannels: o.out_channels ?? hidden,
  };
}

/** One side of a {@linkcode ConfigMismatchError}: a rank, how to name it, and its value. */
export interface MismatchSide {
  readonly rank: number;
  /** E.g. `rank 1 (trainer at ws://127.0.0.3:4000)`. */
  readonly who: string;
  readonly value: string;
}

/**
 * Two ranks of one job joined with configurations or partitionings that
 * must agree and do not: the coordinator refuses the whole world before any
 * training. The message names both ranks (with role and address), the
 * first field that differs and both values; `ranks` and `field` carry the
 * same for code (and travel as the error's `data` across the wire).
 *
 * @example
 * ```ts
 * import { ConfigMismatchError } from "./config_mismatch_error.ts";
 * const e = ConfigMismatchError.between(
 *   { rank: 1, who: "rank 1 (trainer at ws://127.0.0.3:4000)", value: "0.01" },
 *   { rank: 0, who: "rank 0 (trainer at ws://127.0.0.2:4000)", value: "0.003" },
 *   "--lr",
 * );
 * console.log(e.message.startsWith("rank 1 (trainer at ws://127.0.0.3:4000) has --lr=0.01")); // true
 * ```
 */
export class ConfigMismatchError extends Error {
  override readonly name = "ConfigMismatchError";
  /** The two ranks that disagree: the one that joined last first. */
  readonly ranks: readonly [number, number];
  /** The first field that differs. */
  readonly field: string;

  constructor(
    message: string,
    data: { ranks: readonly [number, number]; field: string },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.ranks = data.ranks;
    this.field = data.field;
  }

  /** The error for ranks `a` and `b` disagreeing on `field`. */
  static between(a: MismatchSide, b: MismatchSide, field: string): ConfigMismatchError {
    return new ConfigMismatchError(
      `${a.who} has ${field}=${a.value} but ${b.who} has ${field}=${b.value}; ` +
        `refusing to train until every rank agrees on ${field}`,
      { ranks: [a.rank, b.rank], field },
    );
  }

  /** What crosses the wire beside the message. */
  get data(): { ranks: [number, number]; field: string } {
    return { ranks: [this.ranks[0], this.ranks[1]], field: this.field };
  }
}

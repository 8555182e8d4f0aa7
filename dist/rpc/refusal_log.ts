import { printable } from "./printable.ts";

/** Default length of the interval whose refusals are summed up in one line. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;
/** The longest log line a refusal produces, in characters. */
const MAX_LINE = 400;

/** Options of {@link RefusalLog}. */
export interface RefusalLogOptions {
  /** Where lines go. */
  readonly log: (line: string) => void;
  /** Names the listener in summary lines, e.g. `rank 0`. */
  readonly server?: string;
  /** The interval; default 10 s. */
  readonly intervalMs?: number;
}

/**
 * Logs refused connections without letting a flood of them flood the log:
 * the first refusal after a quiet interval is logged at once, in full; the
 * ones that follow within the interval are counted by reason, and one line
 * at the interval's end sums them up (then the next interval starts). Peer
 * text in the lines is made {@link printable}. {@link close} writes what is
 * still counted and stops the timer.
 *
 * @example
 * ```ts
 * import { RefusalLog } from "./refusal_log.ts";
 * const lines: string[] = [];
 * const refusals = new RefusalLog({ log: (l) => lines.push(l), server: "rank 0" });
 * for (let i = 0; i < 3; i++) refusals.refused("127.0.0.9:4000", "wrong shared secret");
 * refusals.close();
 * console.assert(lines.length === 2);
 * console.assert(lines[1]!.includes("2 more: 2 wrong shared secret"));
 * ```
 */
export class RefusalLog {
  readonly #log: (line: string) => void;
  readonly #server: string;
  readonly #intervalMs: number;
  readonly #counts = new Map<string, number>();
  #last = "";
  #timer: ReturnType<typeof setTimeout> | undefined;
  #total = 0;

  constructor(options: RefusalLogOptions) {
    this.#log = options.log;
    this.#server = options.server === undefined ? "" : ` on ${printable(options.server)}`;
    this.#intervalMs = options.intervalMs ?? REFUSAL_LOG_INTERVAL_MS;
  }

  /** Refusals counted since this log was made. */
  get total(): number {
    return this.#total;
  }

  /** Notes a refused connection from `peer`; `why` is counted as given, so keep it short. */
  refused(peer: string, why: string): void {
    this.#total++;
    const line = `rpc: refused connection from ${printable(peer, 200)}: ${printable(why, 200)}`;
    if (this.#timer === undefined) {
      this.#log(line.slice(0, MAX_LINE));
      this.#timer = setTimeout(() => this.#flush(), this.#intervalMs);
      Deno.unrefTimer(this.#timer);
      return;
    }
    this.#counts.set(why, (this.#counts.get(why) ?? 0) + 1);
    this.#last = peer;
  }

  /** Writes the summary of what is counted, if anything, and stops the timer. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#summarise();
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#summarise()) {
      // Refusals went on: keep summing up rather than logging the next one in full.
      this.#timer = setTimeout(() => this.#flush(), this.#intervalMs);
      Deno.unrefTimer(this.#timer);
    }
  }

  /** Logs the counted refusals; false if there were none. */
  #summarise(): boolean {
    if (this.#counts.size === 0) return false;
    let n = 0;
    const parts = [...this.#counts].sort((a, b) => b[1] - a[1]).map(([why, count]) => {
      n += count;
      return `${count} ${printable(why, 80)}`;
    });
    this.#counts.clear();
    const line =
      `rpc: refused ${n} more connections${this.#server} in ${this.#intervalMs / 1000} s` +
      `: ${parts.join(", ")}; the last from ${printable(this.#last, 100)}`;
    this.#log(line.length <= MAX_LINE ? line : `${line.slice(0, MAX_LINE - 1)}…`);
    return true;
  }
}

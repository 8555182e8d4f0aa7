import { Command, InvalidArgumentError } from "commander";
import { UsageError } from "./usage_error.ts";
import { MAX_TIMER_MS } from "../dist/rpc/timer_delay.ts";

/**
 * Parses `--fanout=15,10,5` into non-negative integers; `0` alone (or a 0
 * entry) means no neighbours at that hop, which turns GraphSAGE into an MLP.
 *
 * @example
 * ```ts
 * import { parseFanout } from "./flags.ts";
 * console.log(parseFanout("15,10,5")); // [15, 10, 5]
 * ```
 */
export function parseFanout(text: string): number[] {
  const parts = text.split(",").map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) {
    throw new InvalidArgumentError(
      `expected comma-separated non-negative integers such as 15,10,5, got "${text}"`,
    );
  }
  return parts.map(Number);
}

/**
 * Parses a positive integer flag value.
 *
 * @example
 * ```ts
 * import { positiveInt } from "./flags.ts";
 * console.log(positiveInt("512")); // 512
 * ```
 */
export function positiveInt(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  }
  return Number(text);
}

/**
 * Parses a non-negative integer flag value.
 *
 * @example
 * ```ts
 * import { nonNegativeInt } from "./flags.ts";
 * console.log(nonNegativeInt("0")); // 0
 * ```
 */
export function nonNegativeInt(text: string): number {
  if (!/^\d+$/.test(text)) {
    throw new InvalidArgumentError(`expected a non-negative integer, got "${text}"`);
  }
  return Number(text);
}

/**
 * Parses a timeout in ms: a positive integer no larger than 2^31 - 1 (about
 * 24.8 days), the longest delay a timer honours (a longer one would fire
 * at once).
 *
 * @example
 * ```ts
 * import { timeoutMs } from "./flags.ts";
 * console.log(timeoutMs("60000")); // 60000
 * ```
 */
export function timeoutMs(text: string): number {
  const ms = positiveInt(text);
  if (ms > MAX_TIMER_MS) {
    throw new InvalidArgumentError(
      `expected at most ${MAX_TIMER_MS} ms (about 24.8 days), got ${text}`,
    );
  }
  return ms;
}

/**
 * Parses a TCP port number, 1 to 65535.
 *
 * @example
 * ```ts
 * import { tcpPort } from "./flags.ts";
 * console.log(tcpPort("11234")); // 11234
 * ```
 */
export function tcpPort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new InvalidArgumentError(`expected a TCP port from 1 to 65535, got "${text}"`);
  }
  return Number(text);
}

/**
 * Parses a finite number flag value.
 *
 * @example
 * ```ts
 * import { finiteNumber } from "./flags.ts";
 * console.log(finiteNumber("0.003")); // 0.003
 * ```
 */
export function finiteNumber(text: string): number {
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x)) {
    throw new InvalidArgumentError(`expected a number, got "${text}"`);
  }
  return x;
}

/**
 * A commander program set up for webgnn's commands: flags spelt
 * `--snake_case=value` as in graphlearn-for-pytorch's examples, unknown flags
 * and bad values turned into a {@linkcode UsageError} instead of an exit.
 *
 * @example
 * ```ts
 * import { newProgram } from "./flags.ts";
 * const p = newProgram("train", "train GraphSAGE").option("--epochs <n>", "epochs", "10");
 * p.parse(["--epochs=3"], { from: "user" });
 * console.log(p.opts().epochs); // "3"
 * ```
 */
export function newProgram(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .allowExcessArguments(false)
    .exitOverride((err) => {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") Deno.exit(0);
      // One line, keeping commander's hint: "unknown option '--epoch=3' (Did you mean --epochs?)".
      throw new UsageError(err.message.replace(/^error: /, "").trim().replace(/\s*\n\s*/g, " "));
    })
    .configureOutput({ writeErr: () => {} });
}

/**
 * Parses `--port_range=A-B`: two ports, A <= B.
 *
 * @example
 * ```ts
 * import { portRange } from "./flags.ts";
 * console.log(portRange("23000-23099")); // [23000, 23099]
 * ```
 */
export function portRange(text: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  const [a, b] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(a >= 1 && b <= 65535 && a <= b)) {
    throw new InvalidArgumentError(
      `expected two ports A-B with 1 <= A <= B <= 65535, got "${text}"`,
    );
  }
  return [a, b];
}

/**
 * Parses a device list such as `0,1,2,3` (GLT's `visible_devices`).
 *
 * @example
 * ```ts
 * import { deviceList } from "./flags.ts";
 * console.log(deviceList("0,2")); // [0, 2]
 * ```
 */
export function deviceList(text: string): number[] {
  if (!/^\s*\d+\s*(,\s*\d+\s*)*$/.test(text)) {
    throw new InvalidArgumentError(`expected device indices such as 0,1,2,3, got "${text}"`);
  }
  return text.split(",").map(Number);
}

/**
 * Parses `--edge_split=0.85,0.05,0.10`: the training, validation and test
 * shares of a graph's edges (`splitEdges`), three non-negative numbers that
 * sum to 1.
 *
 * @example
 * ```ts
 * import { edgeSplit } from "./flags.ts";
 * console.log(edgeSplit("0.85,0.05,0.10")); // [0.85, 0.05, 0.1]
 * ```
 */
export function edgeSplit(text: string): [number, number, number] {
  const parts = text.split(",").map((s) => s.trim());
  const xs = parts.map((p) => (/^(\d+\.?\d*|\.\d+)$/.test(p) ? Number(p) : NaN));
  const sum = xs.reduce((a, b) => a + b, 0);
  if (xs.length !== 3 || xs.some((x) => !Number.isFinite(x)) || Math.abs(sum - 1) > 1e-9) {
    throw new InvalidArgumentError(
      `expected three non-negative fractions train,valid,test that sum to 1, such as 0.85,0.05,0.10, got "${text}"` +
        (xs.length === 3 && xs.every(Number.isFinite) ? ` (sum ${sum})` : ""),
    );
  }
  return xs as [number, number, number];
}

import type { z } from "npm:zod@4.6.7";
import type { MethodTable } from "../rpc/method_table.ts";
import { CENSUS_REPORT, censusReport, type censusResult } from "./methods.ts";

/**
 * One process's report: where it runs and what it knows of the world.
 *
 * @example
 * ```ts
 * import type { CensusReport } from "./census.ts";
 * const report: CensusReport = { node: 1, local: 0, count: 2, rank: null, timeoutMs: 60_000 };
 * ```
 */
export type CensusReport = z.infer<typeof censusReport>;
/**
 * The census's answer: the world size and every rank's node and index there.
 *
 * @example
 * ```ts
 * import type { CensusResult } from "./census.ts";
 * const result: CensusResult = { size: 2, places: [{ node: 0, local: 0 }, { node: 1, local: 0 }] };
 * ```
 */
export type CensusResult = z.infer<typeof censusResult>;

/**
 * What the host knows before anyone reports: the number of nodes (from
 * `--num_nodes`), the number of processes (from `WORLD_SIZE` or
 * `SLURM_NTASKS`), or both.
 *
 * @example
 * ```ts
 * import type { CensusExpectation } from "./census.ts";
 * const fromFlags: CensusExpectation = { nodes: 2 };
 * const fromSlurm: CensusExpectation = { nodes: 2, size: 4 };
 * ```
 */
export interface CensusExpectation {
  readonly nodes?: number;
  readonly size?: number;
}

interface Waiter {
  readonly report: CensusReport;
  readonly resolve: (result: CensusResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Forms the world before anyone joins, so that nodes may run different
 * numbers of processes: every process reports its node, its index there and
 * its node's count (flags), or its rank (a cluster manager's environment);
 * once every node's processes reported, each is answered with the world size
 * and every rank's place. Without given ranks, ranks go node by node. A
 * report that contradicts another (two counts for one node, one place or rank
 * taken twice, an index past its node's count) fails the census for everyone
 * with an error naming both; after the first report's `timeoutMs` it fails
 * naming who is missing. Pure state over a {@link MethodTable}.
 *
 * @example
 * ```ts
 * import { Census } from "./census.ts";
 * const census = new Census({ nodes: 2 });
 * const a = census.report({ node: 0, local: 0, count: 1, rank: null, timeoutMs: 1000 });
 * const b = census.report({ node: 1, local: 1, count: 2, rank: null, timeoutMs: 1000 });
 * const c = census.report({ node: 1, local: 0, count: 2, rank: null, timeoutMs: 1000 });
 * const [ra] = await Promise.all([a, b, c]);
 * console.log(ra.size, ra.places); // 3 [{node:0,local:0},{node:1,local:0},{node:1,local:1}]
 * ```
 */
export class Census {
  readonly #expect: CensusExpectation;
  readonly #waiters: Waiter[] = [];
  readonly #done = Promise.withResolvers<CensusResult>();
  #failure: Error | null = null;
  #result: CensusResult | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #onComplete: (result: CensusResult) => void;

  /** `onComplete` runs once the census is complete, before any process is answered. */
  constructor(expect: CensusExpectation, onComplete: (result: CensusResult) => void = () => {}) {
    if (expect.nodes === undefined && expect.size === undefined) {
      throw new TypeError("a census needs the number of nodes or of processes");
    }
    this.#expect = expect;
    this.#onComplete = onComplete;
    this.#done.promise.catch(() => {});
  }

  /** Resolves with the world once the census is complete. */
  get done(): Promise<CensusResult> {
    return this.#done.promise;
  }

  /** Registers `census.report` on `methods`. */
  register(methods: MethodTable): void {
    methods.register(CENSUS_REPORT, censusReport, (r, ctx) => this.report(r, ctx.signal));
  }

  /** Records one process's report; resolves with the world once complete. */
  report(report: CensusReport, signal?: AbortSignal): Promise<CensusResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#result) return Promise.reject(new Error("the census is already complete"));
    const conflict = this.#conflict(report);
    if (conflict) {
      this.#fail(new Error(conflict));
      return Promise.reject(this.#failure);
    }
    const { promise, resolve, reject } = Promise.withResolvers<CensusResult>();
    const waiter = { report, resolve, reject };
    this.#waiters.push(waiter);
    signal?.addEventListener("abort", () => {
      const i = this.#waiters.indexOf(waiter);
      if (i >= 0 && !this.#result) this.#waiters.splice(i, 1);
      reject(signal.reason);
    }, { once: true });
    this.#timer ??= setTimeout(
      () =>
        this.#fail(
          new Error(`the census timed out after ${report.timeoutMs} ms: ${this.#missing()}`),
        ),
      report.timeoutMs,
    );
    this.#complete();
    return promise;
  }

  /** Ends the census for every waiter with `error` (e.g. when the host closes). */
  close(): void {
    clearTimeout(this.#timer);
    if (!this.#result && !this.#failure) this.#fail(new Error("the coordinator closed"));
  }

  #fail(error: Error): void {
    clearTimeout(this.#timer);
    this.#failure ??= error;
    for (const w of this.#waiters.splice(0)) w.reject(this.#failure);
    this.#done.reject(this.#failure);
  }

  #conflict(r: CensusReport): string | null {
    const where = `node ${r.node} process ${r.local}${r.rank === null ? "" : ` (rank ${r.rank})`}`;
    const { nodes, size } = this.#expect;
    if (nodes !== undefined && r.node >= nodes) {
      return `${where} reported, but the world has ${nodes} nodes`;
    }
    if (size !== undefined && r.rank !== null && r.rank >= size) {
      return `${where} reported, but the world has ${size} processes`;
    }
    if (r.count !== null && r.local >= r.count) {
      return `${where} reported, but its node runs ${r.count} processes`;
    }
    for (const { report: o } of this.#waiters) {
      const other = `node ${o.node} process ${o.local}${
        o.rank === null ? "" : ` (rank ${o.rank})`
      }`;
      if ((o.rank === null) !== (r.rank === null)) {
        return `${where} and ${other} disagree on whether ranks are given`;
      }
      if (o.node === r.node && o.count !== null && r.count !== null && o.count !== r.count) {
        return `${where} says node ${r.node} runs ${r.count} processes but ${other} says ${o.count}`;
      }
      if (o.node === r.node && o.local === r.local) {
        return `${where} reported twice (also as ${other})`;
      }
      if (r.rank !== null && o.rank === r.rank) {
        return `${where} and ${other} both claim rank ${r.rank}`;
      }
    }
    return null;
  }

  /** Per node: its processes' reports, and the count it should reach (if known). */
  #byNode(): Map<number, { reports: CensusReport[]; count: number | null }> {
    const nodes = new Map<number, { reports: CensusReport[]; count: number | null }>();
    for (const { report } of this.#waiters) {
      const n = nodes.get(report.node) ?? { reports: [], count: null };
      n.reports.push(report);
      n.count ??= report.count;
      nodes.set(report.node, n);
    }
    return nodes;
  }

  #missing(): string {
    const byNode = this.#byNode();
    const parts: string[] = [];
    const nodes = this.#expect.nodes ?? Math.max(-1, ...byNode.keys()) + 1;
    for (let node = 0; node < nodes; node++) {
      const n = byNode.get(node);
      if (!n) parts.push(`node ${node} never reported`);
      else if (n.count !== null && n.reports.length < n.count) {
        parts.push(`node ${node}: ${n.reports.length} of ${n.count} processes reported`);
      }
    }
    if (this.#expect.size !== undefined) {
      parts.push(`${this.#waiters.length} of ${this.#expect.size} processes reported`);
    }
    return parts.join("; ");
  }

  #complete(): void {
    const byNode = this.#byNode();
    const reported = this.#waiters.length;
    const { nodes, size } = this.#expect;
    if (size !== undefined) {
      if (reported < size) return;
    } else {
      for (let node = 0; node < nodes!; node++) {
        const n = byNode.get(node);
        if (!n || n.count === null || n.reports.length < n.count) return;
      }
    }
    const nodeCount = nodes ?? Math.max(...byNode.keys()) + 1;
    for (let node = 0; node < nodeCount; node++) {
      const n = byNode.get(node);
      if (!n) return this.#fail(new Error(`node ${node} has no process: ${this.#missing()}`));
      const locals = n.reports.map((r) => r.local).sort((a, b) => a - b);
      if (locals.some((l, i) => l !== i)) {
        return this.#fail(
          new Error(
            `node ${node}'s processes have indices ${locals}; expected 0 to ${locals.length - 1}`,
          ),
        );
      }
    }
    const ordered = this.#waiters.map((w) => w.report);
    if (ordered[0]!.rank !== null) ordered.sort((a, b) => a.rank! - b.rank!);
    else ordered.sort((a, b) => a.node - b.node || a.local - b.local);
    const result: CensusResult = {
      size: ordered.length,
      places: ordered.map(({ node, local }) => ({ node, local })),
    };
    clearTimeout(this.#timer);
    this.#result = result;
    this.#onComplete(result);
    this.#done.resolve(result);
    for (const w of this.#waiters.splice(0)) w.resolve(result);
  }
}

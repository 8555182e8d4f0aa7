/** One measured figure of a benchmark report. */
export interface BenchRow {
  /** What is measured, e.g. "sampling (fan-out 15)"; rows of a section share it. */
  readonly section: string;
  /** Who produced the figure, e.g. "cpu backend (2 threads)". */
  readonly name: string;
  readonly value: number;
  /** Unit of `value`, e.g. "M edges/s", "GB/s", "count". */
  readonly unit: string;
  /** `value` divided by the value of the row named `ratioOf.name` in the same section. */
  readonly ratio?: { readonly of: string; readonly value: number };
  /** Each timed round's figure, when `value` is their median. */
  readonly samples?: readonly number[];
  /** The best round's figure, when `value` is the median of several. */
  readonly best?: number;
  /** A short remark, e.g. a target and whether it holds. */
  readonly note?: string;
}

/** The run a report describes, so that two JSON reports can be compared. */
export interface BenchEnvironment {
  readonly date: string;
  readonly deno: string;
  readonly os: string;
  readonly arch: string;
  readonly cores: number;
  /** 1, 5 and 15 minute load averages when the run began: other work skews the figures. */
  readonly loadAverage: readonly number[];
  readonly parameters: Readonly<Record<string, number | string | boolean>>;
}

/**
 * A benchmark report: rows grouped by section, printed as one aligned table
 * or written as JSON. Any benchmark adds its rows; `ratio` rows name the row
 * they divide by, which must have been added to the same section first.
 *
 * @example
 * ```ts
 * import { BenchReport } from "./_report.ts";
 * const report = new BenchReport({ scale: 0.1 });
 * report.add({ section: "copy", name: "memcpy", value: 12, unit: "GB/s" });
 * report.add({ section: "copy", name: "loop", value: 3, unit: "GB/s" }, "memcpy");
 * console.log(report.table().includes("0.25x memcpy")); // true
 * ```
 */
export class BenchReport {
  readonly rows: BenchRow[] = [];
  readonly environment: BenchEnvironment;
  /** The WebGPU adapter's name and limits, where a section measured one. */
  adapter: { info: Record<string, string | boolean>; limits: Record<string, number> } | undefined;
  /** Checks that failed (results that disagree); a run with any exits non-zero after writing. */
  readonly failures: string[] = [];

  constructor(parameters: Readonly<Record<string, number | string | boolean>> = {}) {
    this.environment = {
      date: new Date().toISOString(),
      deno: Deno.version.deno,
      os: Deno.build.os,
      arch: Deno.build.arch,
      cores: navigator.hardwareConcurrency,
      loadAverage: Deno.loadavg(),
      parameters: { ...parameters },
    };
  }

  /** Adds a row; with `ratioOf`, also its ratio to that earlier row of the section. */
  add(row: BenchRow, ratioOf?: string): BenchRow {
    let full = row;
    if (ratioOf !== undefined) {
      const base = this.find(row.section, ratioOf);
      if (!base) {
        throw new RangeError(`report: no row "${ratioOf}" in section "${row.section}"`);
      }
      full = { ...row, ratio: { of: ratioOf, value: row.value / base.value } };
    }
    this.rows.push(full);
    return full;
  }

  /** The row of `section` named `name`, if any. */
  find(section: string, name: string): BenchRow | undefined {
    return this.rows.find((r) => r.section === section && r.name === name);
  }

  /** The rows as an aligned plain-text table, one block per section. */
  table(): string {
    const e = this.environment;
    const lines: string[] = [
      "",
      `deno ${e.deno}, ${e.os}-${e.arch}, ${e.cores} cores, load average ${
        e.loadAverage.map((x) => x.toFixed(2)).join(" ")
      } at start`,
    ];
    const sections = [...new Set(this.rows.map((r) => r.section))];
    const nameWidth = Math.max(4, ...this.rows.map((r) => r.name.length));
    for (const section of sections) {
      lines.push("", section);
      for (const r of this.rows.filter((x) => x.section === section)) {
        const best = r.best === undefined ? "" : ` (best ${formatNumber(r.best)})`;
        const value = `${formatNumber(r.value)}${best} ${r.unit}`;
        const ratio = r.ratio ? `${r.ratio.value.toFixed(2)}x ${r.ratio.of}` : "";
        const cells = [`  ${r.name.padEnd(nameWidth)}`, value.padStart(30)];
        if (ratio || r.note) cells.push(ratio.padEnd(r.note ? 34 : 0));
        if (r.note) cells.push(r.note);
        lines.push(cells.join("  ").trimEnd());
      }
    }
    return lines.join("\n").slice(1);
  }

  /** The report as JSON: the environment, the adapter, every row and the failed checks. */
  toJson(): string {
    const { environment, adapter, rows, failures } = this;
    return JSON.stringify({ environment, adapter, rows, failures }, null, 2);
  }

  /** The report as Markdown: the environment, the adapter and its limits, one table per section. */
  markdown(): string {
    const e = this.environment;
    const lines = [
      "# webgnn benchmark report",
      "",
      `${e.date}, deno ${e.deno}, ${e.os}-${e.arch}, ${e.cores} cores, load average ${
        e.loadAverage.map((x) => x.toFixed(2)).join(" ")
      } at start.`,
      "",
      `Parameters: ${Object.entries(e.parameters).map(([k, v]) => `${k}=${v}`).join(", ")}.`,
    ];
    if (this.adapter) {
      const info = Object.entries(this.adapter.info).map(([k, v]) => `${k}: ${v || "-"}`);
      lines.push(
        "",
        `WebGPU adapter: ${info.join("; ")}.`,
        "",
        "<details><summary>limits</summary>",
      );
      lines.push("", "| limit | value |", "| --- | --- |");
      for (const [k, v] of Object.entries(this.adapter.limits)) lines.push(`| ${k} | ${v} |`);
      lines.push("", "</details>");
    }
    if (this.failures.length > 0) {
      lines.push("", "**Failed checks:**", "", ...this.failures.map((f) => `- ${f}`));
    }
    const cell = (x: string) => x.replaceAll("|", "\\|");
    for (const section of new Set(this.rows.map((r) => r.section))) {
      lines.push("", `## ${cell(section)}`, "", "| what | value | unit | ratio | note |");
      lines.push("| --- | ---: | --- | --- | --- |");
      for (const r of this.rows.filter((x) => x.section === section)) {
        const ratio = r.ratio ? `${r.ratio.value.toFixed(2)}x ${r.ratio.of}` : "";
        lines.push(
          `| ${cell(r.name)} | ${formatNumber(r.value)} | ${r.unit} | ${cell(ratio)} | ${
            cell(r.note ?? "")
          } |`,
        );
      }
    }
    return lines.join("\n") + "\n";
  }

  /** Writes `toJson()` to `path`. */
  async writeJson(path: string): Promise<void> {
    await Deno.writeTextFile(path, this.toJson() + "\n");
  }
}

function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const digits = Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 10 ? 2 : 3;
  return x.toFixed(digits);
}

/** The median of higher-is-better figures, and the best. */
export function median(samples: number[]): { value: number; samples: number[]; best: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { value, samples, best: sorted[sorted.length - 1]! };
}

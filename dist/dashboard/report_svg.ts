import type { EpochFigures } from "../cluster/rank_report.ts";
import type { RunView } from "./view_state.ts";

const W = 460, H = 280, PAD = { l: 52, r: 12, t: 28, b: 76 };
const RUN_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#17becf"];
const PHASES: readonly [keyof EpochFigures, string, string][] = [
  ["sampleMs", "sampling", "#4e79a7"],
  ["featureMs", "features", "#f28e2b"],
  ["trainMs", "training", "#59a14f"],
  ["reduceMs", "all-reduce", "#b07aa1"],
  ["waitMs", "waiting", "#e15759"],
];

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number) => Number(v.toFixed(2));

interface Series {
  readonly label: string;
  readonly colour: string;
  readonly dash?: string;
  readonly points: readonly (readonly [number, number])[];
}

/** Round tick values between lo and hi, about five of them. */
function ticks(lo: number, hi: number): number[] {
  const span = hi - lo || 1;
  const raw = span / 5, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(num(v));
  return out;
}

/** Axes, grid, title and legend of one panel at (x0, y0); returns its scales. */
function frame(
  parts: string[],
  x0: number,
  y0: number,
  title: string,
  xs: readonly number[],
  yRange: readonly [number, number],
  legend: readonly { label: string; colour: string; dash?: string }[],
) {
  const [xlo, xhi] = [Math.min(...xs) - 0.5, Math.max(...xs) + 0.5];
  const [ylo, yhi] = yRange;
  const sx = (x: number) => num(x0 + PAD.l + (x - xlo) / (xhi - xlo || 1) * (W - PAD.l - PAD.r));
  const sy = (y: number) =>
    num(y0 + H - PAD.b - (y - ylo) / (yhi - ylo || 1) * (H - PAD.t - PAD.b));
  parts.push(`<text x="${x0 + PAD.l}" y="${y0 + 18}" font-weight="bold">${esc(title)}</text>`);
  for (const t of ticks(ylo, yhi)) {
    parts.push(
      `<line x1="${sx(xlo)}" x2="${sx(xhi)}" y1="${sy(t)}" y2="${sy(t)}" stroke="#ddd"/>`,
      `<text x="${sx(xlo) - 4}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`,
    );
  }
  for (const x of new Set(xs)) {
    parts.push(`<text x="${sx(x)}" y="${sy(ylo) + 14}" text-anchor="middle">${x}</text>`);
  }
  parts.push(
    `<text x="${sx((xlo + xhi) / 2)}" y="${sy(ylo) + 28}" text-anchor="middle">epoch</text>`,
    `<rect x="${sx(xlo)}" y="${sy(yhi)}" width="${num(sx(xhi) - sx(xlo))}" height="${
      num(sy(ylo) - sy(yhi))
    }" fill="none" stroke="#888"/>`,
  );
  legend.forEach((l, i) => {
    const lx = x0 + PAD.l + (i % 3) * 135, ly = y0 + H - 30 + Math.floor(i / 3) * 15;
    parts.push(
      `<line x1="${lx}" x2="${lx + 16}" y1="${ly - 4}" y2="${ly - 4}" stroke="${l.colour}" ` +
        `stroke-width="6"${l.dash ? ` stroke-dasharray="${l.dash}"` : ""}/>`,
      `<text x="${lx + 20}" y="${ly}">${esc(l.label)}</text>`,
    );
  });
  return { sx, sy };
}

function lines(parts: string[], x0: number, y0: number, title: string, series: Series[]) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return;
  const ys = all.map((p) => p[1]);
  const lo = Math.min(...ys), hi = Math.max(...ys), m = (hi - lo) * 0.05 || 0.05;
  const { sx, sy } = frame(parts, x0, y0, title, all.map((p) => p[0]), [lo - m, hi + m], series);
  for (const s of series) {
    const d = s.points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${sx(x)},${sy(y)}`).join(" ");
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    parts.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    for (const [x, y] of s.points) {
      parts.push(`<circle cx="${sx(x)}" cy="${sy(y)}" r="2.5" fill="${s.colour}"/>`);
    }
  }
}

function stacked(parts: string[], x0: number, y0: number, run: RunView) {
  if (run.epochs.length === 0) return;
  const sums = run.epochs.map((e) => PHASES.reduce((s, [f]) => s + (e[f] as number), 0) / 1000);
  const legend = PHASES.map(([, label, colour]) => ({ label, colour }));
  const title = `Epoch time split, s (${run.name})`;
  const xs = run.epochs.map((e) => e.epoch);
  const { sx, sy } = frame(parts, x0, y0, title, xs, [0, Math.max(...sums) * 1.05 || 1], legend);
  const width = Math.max(2, (sx(1) - sx(0)) * 0.6);
  for (const e of run.epochs) {
    let base = 0;
    for (const [field, label, colour] of PHASES) {
      const v = (e[field] as number) / 1000;
      parts.push(
        `<rect x="${num(sx(e.epoch) - width / 2)}" y="${sy(base + v)}" width="${num(width)}" ` +
          `height="${
            num(sy(base) - sy(base + v))
          }" fill="${colour}"><title>epoch ${e.epoch} ${label} ${v.toFixed(2)} s</title></rect>`,
      );
      base += v;
    }
  }
}

/**
 * The report as one SVG: the loss curve and the validation and test
 * accuracy (or AUC, for link prediction) of every run, then each run's stacked per-epoch time split.
 *
 * @example
 * ```ts
 * import { reportSvg } from "./report_svg.ts";
 * const e = {
 *   epoch: 1, loss: 2, validAccuracy: 0.4, testAccuracy: 0.4, totalMs: 9, sampleMs: 1, featureMs: 1,
 *   trainMs: 5, reduceMs: 1, waitMs: 1,
 * };
 * console.assert(reportSvg("r", [{ name: "a", ranks: 1, epochs: [e] }]).startsWith("<svg"));
 * ```
 */
export function reportSvg(title: string, runs: readonly RunView[]): string {
  const parts: string[] = [];
  const colour = (i: number) => RUN_COLOURS[i % RUN_COLOURS.length]!;
  const pts = (r: RunView, pick: (e: EpochFigures) => number | null) =>
    r.epochs.flatMap((e) => {
      const v = pick(e);
      return v === null ? [] : [[e.epoch, v] as const];
    });
  lines(
    parts,
    0,
    30,
    "Training loss per epoch",
    runs.map((r, i) => ({
      label: r.name,
      colour: colour(i),
      points: pts(r, (e) => e.loss),
    })),
  );
  const auc = runs.some((r) => r.epochs.some((e) => e.metric === "AUC"));
  lines(parts, W, 30, `Validation (solid) and test (dashed) ${auc ? "AUC" : "accuracy"}`, [
    ...runs.map((r, i) => ({
      label: `${r.name} valid`,
      colour: colour(i),
      points: pts(r, (e) => e.validAccuracy),
    })),
    ...runs.map((r, i) => ({
      label: `${r.name} test`,
      colour: colour(i),
      dash: "6 4",
      points: pts(r, (e) => e.testAccuracy),
    })),
  ]);
  runs.forEach((r, i) => stacked(parts, (i % 2) * W, 30 + H * (1 + Math.floor(i / 2)), r));
  const height = 30 + H * (1 + Math.ceil(runs.length / 2));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${height}" ` +
    `viewBox="0 0 ${2 * W} ${height}" font-family="sans-serif" font-size="11">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="8" y="20" font-size="16" font-weight="bold">${esc(title)}</text>` +
    parts.join("\n") + `</svg>\n`;
}

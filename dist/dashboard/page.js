// The page's own script, for the live page and the report alike: it draws a
// ViewState (view_state.ts) with uPlot, and on the live page redraws it on
// every state the coordinator sends over the WebSocket. It sends nothing.
/* global uPlot */
"use strict";

const PHASES = [
  ["sampleMs", "sampling", "#4e79a7"],
  ["featureMs", "features", "#f28e2b"],
  ["trainMs", "training", "#59a14f"],
  ["reduceMs", "all-reduce", "#b07aa1"],
  ["waitMs", "waiting", "#e15759"],
];
const RUN_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#17becf"];
const charts = new Map();

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function fixed(v, digits) {
  return v === null || v === undefined ? "" : Number(v).toFixed(digits);
}

function si(v) {
  if (v >= 1e6) return (v / 1e6).toFixed(2) + " M";
  if (v >= 1e3) return (v / 1e3).toFixed(1) + " k";
  return v.toFixed(0);
}

function drawMembers(state) {
  const box = document.getElementById("members");
  box.hidden = state.members.length === 0;
  const body = box.querySelector("tbody");
  body.replaceChildren();
  for (const m of state.members) {
    const r = m.rates;
    const heard = m.lastHeard ? new Date(m.lastHeard).toISOString().slice(11, 19) : "";
    const row = el(
      "tr",
      { "data-rank": String(m.rank), "data-state": m.state, class: m.state },
      el("td", {}, String(m.rank)),
      el("td", {}, m.role),
      el("td", {}, m.address),
      el("td", {}, m.state + (m.error ? ": " + m.error : "")),
      el("td", {}, heard),
      el("td", {}, m.steps > 0 ? `${m.epoch} (${m.step}/${m.steps})` : ""),
      el("td", {}, r ? fixed(r.seedsPerS, 0) : ""),
      el("td", {}, r ? si(r.edgesPerS) : ""),
      el("td", {}, r ? fixed(r.remoteMBPerS, 1) : ""),
      el("td", {}, r ? fixed(100 * r.waitShare, 0) + "%" : ""),
      el("td", {}, r ? fixed(100 * r.reduceShare, 0) + "%" : ""),
    );
    body.append(row);
  }
}

function chart(id, title, opts, data, parent) {
  const known = charts.get(id);
  if (known && known.key === opts.key) {
    document.getElementById(id).querySelector("h3").textContent = title;
    known.plot.setData(data);
    return;
  }
  if (known) known.plot.destroy();
  let box = document.getElementById(id);
  if (!box) {
    box = el("div", { id, class: "chart" });
    parent.append(box);
  }
  box.replaceChildren(el("h3", {}, title));
  // Epochs are whole numbers: ticks at whole steps only.
  const axes = [{ incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] }, {}];
  const plot = new uPlot({ width: 460, height: 240, axes, ...opts }, data, box);
  charts.set(id, { key: opts.key, plot });
}

function curves(state, parent) {
  const runs = state.runs;
  const epochs = [...new Set(runs.flatMap((r) => r.epochs.map((e) => e.epoch)))]
    .sort((a, b) => a - b);
  const column = (run, pick) => {
    const at = new Map(run.epochs.map((e) => [e.epoch, pick(e)]));
    return epochs.map((x) => at.get(x) ?? null);
  };
  const key = runs.map((r) => r.name).join("|");
  const x = { label: "epoch" };
  const series = (suffix, dash) =>
    runs.map((r, i) => ({
      label: r.name + suffix,
      stroke: RUN_COLOURS[i % RUN_COLOURS.length],
      dash,
      spanGaps: true,
      points: { show: true },
    }));
  chart(
    "loss",
    "Training loss per epoch",
    {
      key,
      scales: { x: { time: false } },
      series: [x, ...series("", undefined)],
    },
    [epochs, ...runs.map((r) => column(r, (e) => e.loss))],
    parent,
  );
  const auc = state.runs.some((r) => r.epochs.some((e) => e.metric === "AUC"));
  chart("accuracy", `Validation (solid) and test (dashed) ${auc ? "AUC" : "accuracy"}`, {
    key,
    scales: { x: { time: false } },
    series: [x, ...series(" valid", undefined), ...series(" test", [6, 4])],
  }, [
    epochs,
    ...runs.map((r) => column(r, (e) => e.validAccuracy)),
    ...runs.map((r) => column(r, (e) => e.testAccuracy)),
  ], parent);
  document.body.dataset.epochs = String(epochs.length);
}

function bars(state, parent) {
  state.runs.forEach((run, i) => {
    const xs = run.epochs.map((e) => e.epoch);
    // Stacked by drawing the running sums, tallest first, each over the last.
    const sums = [];
    let acc = run.epochs.map(() => 0);
    for (const [field] of PHASES) {
      acc = acc.map((a, j) => a + run.epochs[j][field] / 1000);
      sums.push(acc);
    }
    const order = [...PHASES.keys()].reverse();
    const series = [
      { label: "epoch" },
      ...order.map((p) => ({
        label: PHASES[p][1],
        fill: PHASES[p][2],
        stroke: PHASES[p][2],
        paths: uPlot.paths.bars({ size: [0.6, 60] }),
        points: { show: false },
        value: (_u, _v, _s, idx) =>
          idx === null || idx === undefined
            ? ""
            : fixed(run.epochs[idx][PHASES[p][0]] / 1000, 2) + " s",
      })),
    ];
    chart(
      `bars-${i}`,
      `Epoch time split, seconds (${run.name}, ${run.ranks} rank${run.ranks === 1 ? "" : "s"})`,
      {
        key: "bars",
        scales: {
          x: { time: false, range: (_u, lo, hi) => [lo - 0.5, hi + 0.5] },
          y: { range: (_u, _lo, hi) => [0, hi * 1.05 || 1] },
        },
        series,
      },
      [xs, ...order.map((p) => sums[p])],
      parent,
    );
  });
}

function draw(state) {
  document.title = state.title;
  document.getElementById("title").textContent = state.title;
  const status = document.getElementById("status");
  status.textContent = state.shutdown ? "world ended: " + state.shutdown : state.live ? "live" : "";
  status.className = state.shutdown ? "failed" : "";
  drawMembers(state);
  curves(state, document.getElementById("curves"));
  bars(state, document.getElementById("bars"));
}

const initial = JSON.parse(document.getElementById("state").textContent);
draw(initial);
if (initial.live) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}/ws${location.search}`);
  socket.onmessage = (m) => draw(JSON.parse(m.data));
  socket.onclose = () => {
    const status = document.getElementById("status");
    status.textContent += " (coordinator gone: the page shows its last state)";
  };
}

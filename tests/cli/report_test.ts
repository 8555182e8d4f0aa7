import assert from "node:assert/strict";
import { reportCommand } from "../../cli/report.ts";
import { HeadlessChromium } from "../../cli/headless_chromium.ts";
import { UsageError } from "../../cli/usage_error.ts";
import { testNeeding } from "../_needs.ts";

/** A rank's metrics file of `epochs` lines, as `--metrics` writes them. */
function metricsLines(epochs: number, rank: number): string {
  const lines = [];
  for (let e = 1; e <= epochs; e++) {
    lines.push(JSON.stringify({
      epoch: e,
      time: new Date(Date.UTC(2026, 0, 1, 0, e)).toISOString(),
      batches: 4,
      seeds: 100,
      loss: 3 - 0.2 * e - 0.01 * rank,
      trainAccuracy: 0.1 * e,
      totalMs: 1000 + 10 * e,
      sampleMs: 200,
      featureMs: 100 + rank,
      trainMs: 500,
      reduceMs: 50,
      waitMs: 30 * e,
      validAccuracy: 0.1 * e,
      testAccuracy: 0.09 * e,
      evalMs: 40,
    }));
  }
  return lines.join("\n") + "\n";
}

async function runs(dir: string) {
  await Deno.writeTextFile(`${dir}/one.jsonl`, metricsLines(3, 0));
  await Deno.writeTextFile(`${dir}/m0.jsonl`, metricsLines(4, 0));
  await Deno.writeTextFile(`${dir}/m1.jsonl`, metricsLines(4, 1));
  return [`--metrics=1 node=${dir}/one.jsonl`, `--metrics=2 nodes=${dir}/m0.jsonl,${dir}/m1.jsonl`];
}

Deno.test("report --out=x.svg draws every run's curves and one stacked bar per epoch", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await reportCommand([...await runs(dir), `--out=${dir}/r.svg`, "--title=1 vs 2"]);
    const svg = await Deno.readTextFile(`${dir}/r.svg`);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // 3 + 4 epochs, 5 phases each.
    assert.equal(svg.match(/<title>epoch \d+ /g)?.length, 35);
    assert.match(svg, /Epoch time split, s \(1 node\)/);
    assert.match(svg, /Epoch time split, s \(2 nodes\)/);
    // The two ranks' features times (100 and 101 ms) are averaged.
    assert.match(svg, /epoch 4 features 0\.10 s/);
    assert.equal(svg.match(/<path d="M/g)?.length, 2 + 4); // loss, valid and test of 2 runs
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report draws a link-prediction run's validation and test AUC in the accuracies' place", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // --task=link lines: accuracies null, the AUCs beside them.
    const link = metricsLines(3, 0).trim().split("\n").map((l) => {
      const m = JSON.parse(l);
      return JSON.stringify({
        ...m,
        validAccuracy: null,
        testAccuracy: null,
        validAuc: 0.6 + 0.05 * m.epoch,
        testAuc: 0.61 + 0.05 * m.epoch,
      });
    }).join("\n");
    await Deno.writeTextFile(`${dir}/link.jsonl`, link + "\n");
    await reportCommand([`--metrics=link=${dir}/link.jsonl`, `--out=${dir}/r.svg`]);
    const svg = await Deno.readTextFile(`${dir}/r.svg`);
    assert.match(svg, /Validation \(solid\) and test \(dashed\) AUC/);
    assert.equal(svg.match(/<path d="M/g)?.length, 3); // loss, valid AUC, test AUC
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report names the file and line of a line that is not an epoch", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/m.jsonl`, metricsLines(2, 0) + `{"epoch": 3}\n`);
    await assert.rejects(
      reportCommand([`--metrics=${dir}/m.jsonl`, `--out=${dir}/r.html`]),
      (e: Error) => e instanceof UsageError && e.message.startsWith(`${dir}/m.jsonl:3: `),
    );
    await assert.rejects(
      reportCommand([`--metrics=${dir}/m.jsonl`, `--out=${dir}/r.pdf`]),
      /--out=.*r\.pdf: expected a path ending in \.html, \.svg or \.png/,
    );
    await assert.rejects(reportCommand([`--out=${dir}/r.html`]), /--metrics/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

await testNeeding(
  ["chromium"],
  "report --out=x.html opens offline in Chromium with every run's points, and as PNG",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "webgnn-report-test-" });
    const browser = await HeadlessChromium.start();
    try {
      const flags = await runs(dir);
      await reportCommand([...flags, `--out=${dir}/r.html`]);
      const html = await Deno.readTextFile(`${dir}/r.html`);
      assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, "nothing loaded from outside");
      await browser.open(`file://${dir}/r.html`, 980, 760);
      await browser.waitFor(`document.querySelectorAll(".chart canvas").length === 4`, 10_000);
      assert.equal(await browser.evaluate(`document.body.dataset.epochs`), "4");
      const series = await browser.evaluate(
        `[...document.querySelectorAll("#curves .u-legend .u-series")].map((s) => s.querySelector(".u-label").textContent)`,
      );
      assert.deepEqual(series, [
        "epoch",
        "1 node",
        "2 nodes",
        "epoch",
        "1 node valid",
        "2 nodes valid",
        "1 node test",
        "2 nodes test",
      ]);
      const shot = `${dir}/report.png`;
      await Deno.writeFile(shot, await browser.screenshot());
      console.log(`report screenshot: ${shot}`);
      await reportCommand([...flags, `--out=${dir}/r.png`]);
      const png = await Deno.readFile(`${dir}/r.png`);
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
    } finally {
      await browser.close();
    }
  },
);

// What the live page costs a run: two nodes on loopback train the same
// synthetic graph without the dashboard, with it served but no page open,
// and with a headless Chromium watching the page throughout, in turn,
// --rounds times each; it prints the mean epoch time after the first of each.
//
//   deno run -A bench/dashboard_cost.ts [--scale=0.01] [--epochs=4] [--batch=256] [--rounds=2]
//     [--screenshot=page.png]
//
// Every rank reports to the coordinator once a second in both cases (that is
// always on); what differs is the page: its server, the state pushed to the
// browser after every change, and the browser itself on the same cores.
import { parseArgs } from "node:util";
import { HeadlessChromium } from "../cli/headless_chromium.ts";
import type { EpochMetrics } from "../cli/run_training.ts";
import { generateSecret } from "../dist/rpc/generate_secret.ts";
import { partitionDataset } from "../partition/partition_dataset.ts";
import { generateSynthetic } from "../partition/synthetic.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    scale: { type: "string", default: "0.01" },
    epochs: { type: "string", default: "4" },
    batch: { type: "string", default: "256" },
    rounds: { type: "string", default: "2" },
    screenshot: { type: "string" },
  },
});
const epochs = Number(values.epochs);
const work = await Deno.makeTempDir({ prefix: "webgnn-dashboard-bench-" });
const secret = generateSecret();

function node(rank: number, port: number, extra: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL("../cli/train.ts", import.meta.url).href,
      "--num_nodes=2",
      `--node_rank=${rank}`,
      "--master_addr=127.0.0.2",
      `--master_port=${port}`,
      `--node_addr=127.0.0.${rank + 2}`,
      `--dataset_root_dir=${work}/p2`,
      `--batch_size=${values.batch}`,
      `--epochs=${epochs}`,
      "--eval_every=1",
      "--device=cpu",
      "--quiet",
      "--seed=1",
      `--metrics=${work}/m{rank}.jsonl`,
      ...extra,
    ],
    env: { WEBGNN_SECRET: secret, OPENBLAS_NUM_THREADS: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** One 2-node run, with the page served and, with `watch`, open. Mean epoch ms after the first. */
async function run(dashboard: boolean, watch: boolean, screenshot?: string): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.2", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const n0 = node(0, port, dashboard ? ["--dashboard=127.0.0.2:0"] : []);
  const n1 = node(1, port, []);
  const url = Promise.withResolvers<string>();
  url.promise.catch(() => {}); // a run without the page prints none
  const out0 = (async () => {
    let text = "";
    for await (const c of n0.stdout.pipeThrough(new TextDecoderStream())) {
      text += c;
      const m = text.match(/dashboard at (\S+)/);
      if (m) url.resolve(m[1]!);
    }
    url.reject(new Error("no dashboard URL"));
  })();
  const out1 = n1.stdout.cancel();
  let browser: HeadlessChromium | undefined;
  try {
    if (dashboard && watch) {
      browser = await HeadlessChromium.start();
      await browser.open(await url.promise, 1100, 760);
      if (screenshot) {
        // A picture mid-epoch: the curves drawn and every rank training.
        await browser.waitFor(
          `Number(document.body.dataset.epochs) >= ${
            epochs - 2
          } && [...document.querySelectorAll(` +
            `"#members tr[data-rank]")].every((r) => Number(r.children[6].textContent) > 0)`,
          600_000,
        );
        await Deno.writeFile(screenshot, await browser.screenshot());
      }
    }
    const [s0, s1] = await Promise.all([n0.status, n1.status]);
    if (!s0.success || !s1.success) throw new Error("a node failed");
  } finally {
    await browser?.close();
    await out0.catch(() => {});
    await out1;
  }
  const lines = (await Deno.readTextFile(`${work}/m0.jsonl`)).trim().split("\n")
    .map((l) => JSON.parse(l) as EpochMetrics).slice(1);
  return lines.reduce((s, m) => s + m.totalMs, 0) / lines.length;
}

try {
  const dataset = generateSynthetic({ scale: Number(values.scale), seed: 1, quiet: true });
  await partitionDataset(dataset, {
    numPartitions: 2,
    partitioner: "locality",
    output: `${work}/p2`,
    quiet: true,
  });
  const times = { without: [] as number[], served: [] as number[], watched: [] as number[] };
  for (let r = 0; r < Number(values.rounds); r++) {
    times.without.push(await run(false, false));
    times.served.push(await run(true, false));
    const last = r === Number(values.rounds) - 1;
    times.watched.push(await run(true, true, last ? values.screenshot : undefined));
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "?")).split(" ")[0];
  console.log(`epoch time after the first, 2 nodes, scale ${values.scale}, mean of each run:`);
  const label = {
    without: "without --dashboard",
    served: "page served, none open",
    watched: "page open in Chromium",
  };
  for (const k of ["without", "served", "watched"] as const) {
    const runs = times[k].map((t) => (t / 1000).toFixed(2)).join(", ");
    const ratio = (mean(times[k]) / mean(times.without)).toFixed(3);
    console.log(
      `  ${label[k]}: ${(mean(times[k]) / 1000).toFixed(2)} s (runs: ${runs}), ratio ${ratio}`,
    );
  }
  console.log(`  load average ${load}`);
} finally {
  await Deno.remove(work, { recursive: true });
}

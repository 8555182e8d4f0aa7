import assert from "node:assert/strict";
import { finish, freePort, partitioned, trainNode } from "../_cluster.ts";
import { HeadlessChromium } from "../../cli/headless_chromium.ts";
import { testNeeding } from "../_needs.ts";

const node = (rank: number, port: number, args: string[]) => trainNode(rank, 2, port, args);

/** Node 0's output, read on: resolves with the dashboard's URL once printed. */
function dashboardUrl(child: Deno.ChildProcess): { url: Promise<string>; output: Promise<string> } {
  const url = Promise.withResolvers<string>();
  const output = (async () => {
    let text = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const m = text.match(/dashboard at (http:\/\/\S+)/);
      if (m) url.resolve(m[1]!);
    }
    url.reject(new Error(`node 0 printed no dashboard URL:\n${text}`));
    return text;
  })();
  return { url: url.promise, output };
}

const stateOf = (rank: number) =>
  `document.querySelector('tr[data-rank="${rank}"]')?.dataset.state`;
const epochsShown = `Number(document.body.dataset.epochs ?? 0)`;

await testNeeding(
  ["chromium"],
  "dashboard: during a 2-node run the page shows both members and gains points per epoch, refuses requests without the token and any message, and marks a killed rank",
  async () => {
    const dir = await partitioned(2);
    const port = freePort();
    const args = [
      `--dataset_root_dir=${dir}/parts`,
      "--epochs=60",
      "--batch_size=16",
      "--hidden=32",
      "--fanout=5,5",
      "--rpc_timeout_ms=5000",
    ];
    const n0 = node(0, port, [...args, "--dashboard=127.0.0.2:0"]);
    const n1 = node(1, port, args);
    const { url: urlPromise, output } = dashboardUrl(n0);
    const stderr0 = new Response(n0.stderr).text();
    const ended1 = finish(n1);
    let browser: HeadlessChromium | undefined;
    try {
      const url = await urlPromise;
      const base = new URL(url);
      assert.equal(base.hostname, "127.0.0.2");
      // Without the token, or with another one, nothing is served.
      for (const path of ["/", "/?token=0123456789abcdef0123456789abcdef", "/ws"]) {
        const r = await fetch(new URL(path, base));
        await r.body?.cancel();
        assert.equal(r.status, 403, path);
      }
      // The page's socket is read-only: a message closes it.
      const ws = new WebSocket(`ws://${base.host}/ws${base.search}`);
      const closed = new Promise<CloseEvent>((r) => ws.onclose = r);
      await new Promise((r) => ws.onmessage = r); // the first state
      ws.send(JSON.stringify({ kind: "shutdown" }));
      assert.equal((await closed).code, 1008);

      browser = await HeadlessChromium.start();
      await browser.open(url, 1200, 900);
      await browser.waitFor(
        `document.querySelectorAll("#members tr[data-rank]").length === 2`,
        30_000,
        "both members on the page",
      );
      const first = Number(await browser.waitFor(`${epochsShown} >= 1`, 60_000, "a first epoch"));
      await browser.waitFor(`${epochsShown} > ${first}`, 60_000, "a point more on the curves");
      assert.equal(await browser.evaluate(stateOf(0)), "training");
      assert.equal(await browser.evaluate(stateOf(1)), "training");
      // Live rates (0 while a rank evaluates): rank 1's seeds/s rises above 0.
      await browser.waitFor(
        `Number(document.querySelector('tr[data-rank="1"]').children[6].textContent) > 0`,
        30_000,
        "rank 1's live seeds/s",
      );
      const shotDir = await Deno.makeTempDir({ prefix: "webgnn-dashboard-test-" });
      await Deno.writeFile(`${shotDir}/dashboard.png`, await browser.screenshot());
      console.log(`dashboard screenshot: ${shotDir}/dashboard.png`);

      n1.kill("SIGKILL");
      await browser.waitFor(`${stateOf(1)} === "failed"`, 20_000, "rank 1 marked failed").catch(
        async (e) => {
          const rows = await browser!.evaluate(
            `document.querySelector("#members").textContent + " | " + document.querySelector("#status").textContent`,
          );
          await n0.status;
          throw new Error(`${e.message}; the page shows: ${rows}; node 0: ${await stderr0}`);
        },
      );
      const row = await browser.evaluate(
        `(() => { const r = document.querySelector('tr[data-rank="1"]');
           return [r.textContent, getComputedStyle(r).backgroundColor]; })()`,
      ) as [string, string];
      // Heard as it happens (its connection dropped), or when it never left the ended world.
      assert.match(
        row[0],
        /failed: (disconnected without leaving|did not leave when the world ended)/,
      );
      assert.equal(row[1], "rgb(255, 221, 221)"); // red
      const { code } = await n0.status;
      assert.notEqual(code, 0, "node 0 ends when node 1 dies");
    } finally {
      await browser?.close();
      try {
        n0.kill("SIGKILL");
      } catch {
        // already ended
      }
      try {
        n1.kill("SIGKILL");
      } catch {
        // already ended
      }
      await Promise.all([output.catch(() => ""), stderr0, ended1]);
      await n0.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
);

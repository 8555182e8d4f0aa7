import assert from "node:assert/strict";
import { Census, type CensusReport } from "../../../dist/cluster/census.ts";
import { serveWorld } from "../../../dist/cluster/serve_world.ts";
import { takeCensus } from "../../../dist/cluster/take_census.ts";
import { WorldMember } from "../../../dist/cluster/world_member.ts";

const at = (node: number, local: number, count: number | null, rank: number | null = null) =>
  ({ node, local, count, rank, timeoutMs: 5_000 }) satisfies CensusReport;

Deno.test("Census gives ranks node by node when nodes run different numbers of processes", async () => {
  const census = new Census({ nodes: 3 });
  const answers = [
    census.report(at(2, 0, 1)),
    census.report(at(1, 1, 3)),
    census.report(at(0, 0, 1)),
    census.report(at(1, 0, 3)),
  ];
  // Node 1 said it runs three processes: the census waits for the third.
  let settled = false;
  Promise.all(answers).then(() => settled = true);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(settled, false);
  answers.push(census.report(at(1, 2, 3)));
  const [result] = await Promise.all(answers);
  assert.equal(result!.size, 5);
  assert.deepEqual(result!.places, [
    { node: 0, local: 0 },
    { node: 1, local: 0 },
    { node: 1, local: 1 },
    { node: 1, local: 2 },
    { node: 2, local: 0 },
  ]);
});

Deno.test("Census keeps the ranks a cluster manager gave", async () => {
  const census = new Census({ nodes: 2, size: 3 });
  const [result] = await Promise.all([
    census.report(at(1, 0, null, 0)),
    census.report(at(0, 0, null, 2)),
    census.report(at(0, 1, null, 1)),
  ]);
  assert.deepEqual(result!.places, [{ node: 1, local: 0 }, { node: 0, local: 1 }, {
    node: 0,
    local: 0,
  }]);
});

for (
  const [name, reports, message] of [
    [
      "two counts for one node",
      [at(0, 0, 2), at(0, 1, 3)],
      /says node 0 runs 3 processes but node 0 process 0 says 2/,
    ],
    ["one place taken twice", [at(0, 0, 2), at(0, 0, 2)], /node 0 process 0 reported twice/],
    ["one rank claimed twice", [at(0, 0, null, 1), at(1, 0, null, 1)], /both claim rank 1/],
    [
      "a node past the world",
      [at(2, 0, 1)],
      /node 2 process 0 reported, but the world has 2 nodes/,
    ],
    [
      "an index past its node's count",
      [at(0, 2, 2)],
      /node 0 process 2 reported, but its node runs 2/,
    ],
  ] as const
) {
  Deno.test(`Census fails for everyone on ${name}, naming both`, async () => {
    const census = new Census({ nodes: 2, size: 4 });
    const answers = reports.map((r) => census.report(r));
    for (const a of answers) await assert.rejects(a, message);
  });
}

Deno.test("Census times out naming the node that never reported", async () => {
  const census = new Census({ nodes: 3 });
  const a = census.report({ ...at(0, 0, 1), timeoutMs: 50 });
  const b = census.report({ ...at(2, 0, 2), timeoutMs: 50 });
  await assert.rejects(a, /timed out after 50 ms: node 1 never reported; node 2: 1 of 2 processes/);
  await assert.rejects(b, /timed out/);
});

Deno.test("serveWorld: processes report to the census, then join the coordinator it formed", async () => {
  const secret = new TextEncoder().encode("a shared secret");
  const host = serveWorld({ hostname: "127.0.0.1", port: 0, expect: { nodes: 2 }, secret });
  try {
    const options = {
      coordinatorUrl: host.server.url,
      secret,
      name: "p",
      connectDeadlineMs: 2_000,
    };
    const places = [at(1, 0, 2), at(0, 0, 1), at(1, 1, 2)];
    const results = await Promise.all(places.map((p) => takeCensus(p, options)));
    const members = await Promise.all(results.map((r, i) =>
      WorldMember.join({
        coordinatorUrl: host.server.url,
        rank: r.places.findIndex((p) => p.node === places[i]!.node && p.local === places[i]!.local),
        role: "trainer",
        address: `ws://127.0.0.1:${9000 + i}`,
        secret,
      })
    ));
    assert.deepEqual(members.map((m) => m.rank), [1, 0, 2]);
    assert.equal(members[0]!.world.size, 3);
    for (const m of members) m.close();
  } finally {
    await host.close();
  }
});

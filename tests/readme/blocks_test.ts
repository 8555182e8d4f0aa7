// The README test's own rules, on small READMEs: how blocks and directives
// are read, the substitutions, the steps, and that a broken or unrunnable
// command fails its block.
import assert from "node:assert/strict";
import { readmeBlocks, ReadmeFormatError } from "./_blocks.ts";
import { Hosts, planSteps, substitute } from "./_plan.ts";
import { runBlock } from "./_run_block.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const fence = "```";

Deno.test("readmeBlocks() reads sh blocks' commands, joined and without comment lines, with their directives", () => {
  const blocks = readmeBlocks([
    "# Title",
    "## Use",
    "<!-- readme-test: before `touch a` -->",
    "<!-- readme-test: skip `kubectl` (needs a Kubernetes cluster) -->",
    "",
    `${fence}sh`,
    "# a comment",
    "deno task train --epochs=3 \\",
    "  --scale=0.5   # trailing comment",
    "kubectl apply -f job.yml",
    fence,
    `${fence}ts`,
    "not run",
    fence,
    fence,
    "webgnn train: an error line shown as output",
    fence,
    "<!-- readme-test: skip (needs a Slurm cluster) -->",
    `${fence}bash`,
    "srun deno task train",
    fence,
  ].join("\n"));
  assert.equal(blocks.length, 2, "the ts block and the output block are not run");
  const [a, b] = blocks;
  assert.equal(a!.heading, "Use");
  assert.equal(a!.line, 6);
  assert.deepEqual(a!.before, [{ line: 3, text: "touch a" }]);
  assert.deepEqual(a!.commands, [{
    line: 8,
    text: "deno task train --epochs=3 --scale=0.5 # trailing comment",
  }]);
  assert.deepEqual(a!.skipped, [{
    line: 10,
    text: "kubectl apply -f job.yml",
    reason: "needs a Kubernetes cluster",
  }]);
  assert.equal(b!.skipReason, "needs a Slurm cluster");
  assert.deepEqual(a!.needs, []);
  const [gpu] = readmeBlocks(
    `<!-- readme-test: needs webgpu,chromium -->\n${fence}sh\ndeno task bench --report=out\n${fence}`,
  );
  assert.deepEqual(gpu!.needs, ["webgpu", "chromium"], "needs names the system parts");
});

Deno.test("readmeBlocks() refuses a block neither runnable nor visibly marked", () => {
  const cases: [string, RegExp][] = [
    [
      `${fence}\ndeno task demo\n${fence}`,
      /README.md:1: commands in a code block without a language/,
    ],
    [`${fence}\n$ MASTER_ADDR=x deno task demo\n${fence}`, /without a language/],
    [`<!-- readme-test: skip -->\n${fence}sh\nsrun x\n${fence}`, /README.md:1: .*needs a reason/],
    [`<!-- readme-test: skip () -->\n${fence}sh\nsrun x\n${fence}`, /needs a reason/],
    [
      `<!-- readme-test: skip \`kubectl\` (x) -->\n${fence}sh\nsrun x\n${fence}`,
      /matches no command/,
    ],
    [`<!-- readme-test: skipp (x) -->\n${fence}sh\nsrun x\n${fence}`, /unknown directive/],
    [`<!-- readme-test: needs gpu -->\n${fence}sh\nsrun x\n${fence}`, /needs gpu: expected one of/],
    [
      `<!-- readme-test: skip (x) -->\ntext\n${fence}sh\nsrun x\n${fence}`,
      /right before a code block/,
    ],
    [`<!-- readme-test: skip (x) -->\n${fence}yaml\na: 1\n${fence}`, /apply to sh blocks/],
    [`${fence}sh\nsrun x\n${fence}\n<!-- readme-test: skip (x) -->`, /after the last block/],
  ];
  for (const [text, error] of cases) {
    assert.throws(
      () => readmeBlocks(text),
      (e) => e instanceof ReadmeFormatError && error.test(e.message),
      text,
    );
  }
});

Deno.test("substitute() puts hosts on loopback and sizes at their tiny values", () => {
  const hosts = new Hosts("127.7.7");
  const listed = (task: string) =>
    new Set(
      task === "train"
        ? ["scale", "epochs", "dataset_root_dir"]
        : task === "bench"
        ? ["scale", "rounds"]
        : [],
    );
  assert.equal(
    substitute(
      "deno task train --master_addr=10.0.0.1 --node_addr=10.0.0.2 --epochs=10 # x",
      hosts,
      listed,
    ),
    "deno task train --scale=0.002 --master_addr=127.7.7.1 --node_addr=127.7.7.2 --epochs=1",
  );
  assert.equal(
    substitute(
      "deno task train --dataset_root_dir=data/p2 --master_addr=10.0.0.1 | tee log",
      hosts,
      listed,
    ),
    "deno task train --epochs=1 --dataset_root_dir=data/p2 --master_addr=127.7.7.1 | tee log",
  );
  assert.equal(
    substitute("deno task train ... --checkpoint_dir=ck   # your flags, and", hosts, listed),
    "deno task train --scale=0.002 --epochs=1 --checkpoint_dir=ck",
  );
  assert.equal(
    substitute("deno task bench --json=b.json", hosts, listed),
    "deno task bench --scale=0.002 --rounds=1 --json=b.json",
  );
  assert.equal(
    substitute(
      "MASTER_ADDR=10.0.0.3 deno task other --scale=0.5 --dashboard=0.0.0.0:8080",
      hosts,
      listed,
    ),
    "MASTER_ADDR=127.7.7.3 deno task other --scale=0.002 --dashboard=127.7.7.4:8080",
  );
});

Deno.test("planSteps() starts a cluster's commands together and fills in the ranks a block leaves out", () => {
  const hosts = new Hosts("127.7.7");
  const c = (run: string) => ({ line: 1, text: run, run });
  const steps = planSteps([
    c("deno task partition --output=p"),
    c("deno task server --num_server_nodes=2 --node_rank=0 --master_addr=127.7.7.1"),
    c("deno task client --num_client_nodes=2 --node_rank=0 --master_addr=127.7.7.1 --node_addr=127.7.7.1"),
    c("deno task train --num_nodes=2 --node_rank=0 --master_addr=127.7.7.9"),
    c("deno task train --num_nodes=2 --node_rank=1 --master_addr=127.7.7.9"),
  ], hosts);
  assert.deepEqual(steps.map((s) => s.map((x) => x.run)), [
    ["deno task partition --output=p"],
    [
      "deno task server --num_server_nodes=2 --node_rank=0 --master_addr=127.7.7.1",
      "deno task client --num_client_nodes=2 --node_rank=0 --master_addr=127.7.7.1 --node_addr=127.7.7.1",
      "deno task server --num_server_nodes=2 --node_rank=1 --master_addr=127.7.7.1",
      "deno task client --num_client_nodes=2 --node_rank=1 --master_addr=127.7.7.1 --node_addr=127.7.7.1",
    ],
    [
      "deno task train --num_nodes=2 --node_rank=0 --master_addr=127.7.7.9",
      "deno task train --num_nodes=2 --node_rank=1 --master_addr=127.7.7.9",
    ],
  ]);
});

Deno.test("planSteps() runs a torchrun-style command for every rank of its WORLD_SIZE", () => {
  const run = "MASTER_ADDR=127.7.7.1 WORLD_SIZE=4 RANK=3 LOCAL_RANK=1 LOCAL_WORLD_SIZE=2 " +
    "GROUP_RANK=1 deno task train --dataset_root_dir=p";
  const steps = planSteps([{ line: 1, text: run, run }], new Hosts("127.7.7"));
  assert.equal(steps.length, 1);
  assert.deepEqual(
    steps[0]!.map((c) => c.run.replace(/ deno task.*/, "").replace(/^.*WORLD_SIZE=4 /, "")),
    [
      "RANK=3 LOCAL_RANK=1 LOCAL_WORLD_SIZE=2 GROUP_RANK=1",
      "RANK=0 LOCAL_RANK=0 LOCAL_WORLD_SIZE=2 GROUP_RANK=0",
      "RANK=1 LOCAL_RANK=1 LOCAL_WORLD_SIZE=2 GROUP_RANK=0",
      "RANK=2 LOCAL_RANK=0 LOCAL_WORLD_SIZE=2 GROUP_RANK=1",
    ],
  );
});

function block(commands: string[]) {
  return readmeBlocks(`${fence}sh\n${commands.join("\n")}\n${fence}`)[0]!;
}

Deno.test("runBlock() fails a block whose command has a misspelt flag, naming it", async () => {
  await assert.rejects(
    runBlock(
      block([
        "deno task partition --num_partitions=2 --output=data/p2",
        "deno task train --epoch=3",
      ]),
      {
        root: ROOT,
      },
    ),
    /README.md:3: `deno task train --epoch=3` exited with code 2\n[\s\S]*unknown option '--epoch=3' \(Did you mean --epochs\?\)/,
  );
});

Deno.test("runBlock() fails a block that cannot run in a test and is not marked, saying how to mark it", async () => {
  await assert.rejects(
    runBlock(block(["kubectl-for-readme-test apply -f job.yml"]), { root: ROOT }),
    /exited with code 127[\s\S]*command not found[\s\S]*<!-- readme-test: skip \(why\) -->/,
  );
});

Deno.test("runBlock() runs a cluster's commands at once, in a temporary checkout", async () => {
  // Each waits for the other's file: run one after the other, they would never end.
  await runBlock(
    block([
      "MASTER_ADDR=10.0.0.1 bash -c 'touch a; until [ -e b ]; do sleep 0.05; done'",
      "MASTER_ADDR=10.0.0.1 bash -c 'touch b; until [ -e a ]; do sleep 0.05; done; test -e deno.json'",
    ]),
    { root: ROOT, stepTimeoutMs: 10_000 },
  );
  await assert.rejects(
    runBlock(block(["sleep 30"]), { root: ROOT, stepTimeoutMs: 200 }),
    /`sleep 30` did not finish in 0.2 s/,
  );
});

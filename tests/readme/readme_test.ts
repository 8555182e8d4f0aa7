// The README runs as written: every fenced sh block of README.md is run for
// real by one test (tests/README.md, "README blocks", has the rules), so an
// example that breaks breaks the suite. A block or command that cannot run
// in a test is marked in the README with its reason and shows here as an
// ignored test carrying that reason.
import { codeOf, type ReadmeBlock, readmeBlocks } from "./_blocks.ts";
import { runBlock } from "./_run_block.ts";
import { testNeeding } from "../_needs.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const FILE = "README.md";

let blocks: ReadmeBlock[] = [];
try {
  blocks = readmeBlocks(await Deno.readTextFile(`${ROOT}/${FILE}`), FILE);
} catch (err) {
  Deno.test(`${FILE}'s command blocks follow the rules of tests/README.md`, () => {
    throw err;
  });
}

for (const block of blocks) {
  const where = `${FILE}:${block.line} (${block.heading || "top"})`;
  for (const c of block.skipped) {
    Deno.test({
      name: `${FILE}:${c.line} \`${codeOf(c.text)}\` is not run: ${c.reason}`,
      ignore: true,
      fn() {},
    });
  }
  if (block.skipReason !== undefined) {
    Deno.test({ name: `${where} is not run: ${block.skipReason}`, ignore: true, fn() {} });
    continue;
  }
  if (block.commands.length === 0) continue;
  const n = block.before.length + block.commands.length;
  await testNeeding(
    block.needs,
    `${where} runs as written (${n} command${n === 1 ? "" : "s"})`,
    () => runBlock(block, { root: ROOT, file: FILE }),
  );
}

// What a user sees in a terminal: `train` run under a pseudo-terminal
// (util-linux's `script`), its output replayed as a terminal would show it.
import assert from "node:assert/strict";

const TRAIN = new URL("../../cli/train.ts", import.meta.url).pathname;

/**
 * The lines left on screen, roughly: of each line, what follows its last line
 * clear, and of that the last text written after a return to its start.
 */
function screen(raw: string): string[] {
  // Terminal escape sequences are exactly what this reads.
  // deno-lint-ignore no-control-regex
  const escape = /\x1b(\[[0-9;?]*[A-Za-z]|[78])/g;
  return raw.split("\n").map((line) => {
    const afterClear = line.split("\x1b[2K").pop()!;
    const writes = afterClear.split("\r").flatMap((w) => w.split("\x1b[1G"))
      .map((w) => w.replace(escape, ""))
      .filter((w) => w !== "");
    return writes.at(-1) ?? "";
  }).filter((l) => l.trim() !== "");
}

Deno.test("train in a terminal clears the generator's and the epochs' bars, draws one for evaluation and prints its time", async () => {
  const command = [Deno.execPath(), "run", "--allow-all", TRAIN, "--scale=0.002", "--epochs=1"]
    .concat(["--device=cpu", "--batch_size=256", "--hidden=16", "--fanout=5,5"]).join(" ");
  const out = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const raw = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, raw);
  assert.match(raw, /features \[/, "the generator draws its bars");
  assert.match(raw, /evaluate 1\/1 \[/, "evaluation has a bar");
  const shown = screen(raw);
  const stale = shown.filter((l) => /[░█]/.test(l));
  assert.deepEqual(stale, [], "no progress bar is left on screen");
  assert.match(
    shown.at(-1)!,
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ Epoch 1\/1: .*, valid accuracy 0\.\d{4}, test accuracy 0\.\d{4} \(evaluated in \d+\.\d\d s\)$/,
  );
});

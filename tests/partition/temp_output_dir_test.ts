import assert from "node:assert/strict";
import { makeTempOutputDir } from "../../partition/temp_output_dir.ts";

Deno.test("makeTempOutputDir() removes the temporary directories of dead processes, keeps those of live ones", async () => {
  const parent = await Deno.makeTempDir();
  try {
    const gone = new Deno.Command("true").spawn();
    await gone.status; // its pid is no longer a process
    const stale = `${parent}/.out.tmp-${gone.pid}-abc`;
    await Deno.mkdir(`${stale}/part_0`, { recursive: true });
    await Deno.writeTextFile(`${stale}/part_0/x.bin`, "half written");
    const live = `${parent}/.out.tmp-1-def`; // pid 1 always runs
    const other = `${parent}/.other.tmp-${gone.pid}-ghi`; // another output's
    await Deno.mkdir(live);
    await Deno.mkdir(other);
    const tmp = await makeTempOutputDir(parent, "out");
    assert.match(tmp, new RegExp(`/\\.out\\.tmp-${Deno.pid}-`));
    const names = [];
    for await (const e of Deno.readDir(parent)) names.push(e.name);
    assert.deepEqual(
      names.sort(),
      [`.other.tmp-${gone.pid}-ghi`, ".out.tmp-1-def", tmp.slice(parent.length + 1)].sort(),
    );
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

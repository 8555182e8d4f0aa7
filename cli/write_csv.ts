/** Rows of CSV formatted and written at a time. */
const CSV_ROWS = 16_384;

/**
 * Writes a CSV file whole or not at all: `header`, then `line(i)` for each
 * of `rows` rows, into a temporary sibling that is synced and then renamed
 * onto `path` (removed if anything fails, leaving `path` as it was).
 *
 * @example
 * ```ts
 * import { writeCsv } from "./write_csv.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await writeCsv(path, "node,class", 2, (i) => `${i},${i % 2}`);
 * console.log(await Deno.readTextFile(path)); // node,class\n0,0\n1,1\n
 * await Deno.remove(path);
 * ```
 */
export async function writeCsv(
  path: string,
  header: string,
  rows: number,
  line: (i: number) => string,
): Promise<void> {
  const tmp = `${path}.${Deno.pid}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    const encoder = new TextEncoder();
    const write = async (text: string) => {
      const bytes = encoder.encode(text);
      for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
    };
    await write(header + "\n");
    for (let r0 = 0; r0 < rows; r0 += CSV_ROWS) {
      const lines: string[] = [];
      for (let i = r0; i < Math.min(rows, r0 + CSV_ROWS); i++) lines.push(line(i));
      await write(lines.join("\n") + "\n");
    }
    await file.sync();
  } catch (err) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  file.close();
  await Deno.rename(tmp, path);
}

/**
 * Reads a byte stream to its end as UTF-8 text and calls `onLine` with each
 * line, without its line ending (`\n` or `\r\n`); a last line without a line
 * ending is passed too.
 *
 * @example
 * ```ts
 * import { forEachLine } from "./for_each_line.ts";
 * const lines: string[] = [];
 * await forEachLine(new Blob(["a\r\nb\nc"]).stream(), (l) => lines.push(l));
 * console.log(lines); // ["a", "b", "c"]
 * ```
 */
export async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const line of parts) onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  }
  if (rest !== "") onLine(rest);
}

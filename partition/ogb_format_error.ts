/**
 * A file of an OGB dataset directory is missing or malformed. The message
 * names the file and, for content errors, the 1-based line and what was
 * expected there; `file` and `line` carry the same facts for callers.
 *
 * @example
 * ```ts
 * import { OgbFormatError } from "./ogb_format_error.ts";
 * const e = new OgbFormatError("raw/edge.csv.gz", 3, "expected 2 columns, got 1");
 * console.log(e.message); // raw/edge.csv.gz line 3: expected 2 columns, got 1
 * ```
 */
export class OgbFormatError extends Error {
  override readonly name = "OgbFormatError";
  readonly file: string;
  readonly line: number | undefined;

  constructor(
    file: string,
    line: number | undefined,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      line === undefined ? `${file}: ${problem}` : `${file} line ${line}: ${problem}`,
      options,
    );
    this.file = file;
    this.line = line;
  }
}

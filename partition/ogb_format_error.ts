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
  /** Always `"OgbFormatError"`, so logs and error codecs that go by name see the class. */
  override readonly name = "OgbFormatError";
  /** The file at fault, as the message names it. */
  readonly file: string;
  /**
   * 1-based line of the content error; undefined when the file as a whole is missing or malformed.
   */
  readonly line: number | undefined;

  /** Builds the message `file line N: problem` (or `file: problem` without a line). */
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

/**
 * A partition directory does not match what its `meta.json` promises: a file
 * is missing, truncated or altered (checksum mismatch), or the format version
 * is not the one this code reads. The message and `file` name the culprit.
 *
 * @example
 * ```ts
 * import { PartitionFormatError } from "./partition_format_error.ts";
 * const e = new PartitionFormatError("part_0/indices.bin", "checksum mismatch");
 * console.log(e.message); // part_0/indices.bin: checksum mismatch
 * ```
 */
export class PartitionFormatError extends Error {
  /** Always `"PartitionFormatError"`, so logs and error codecs that go by name see the class. */
  override readonly name = "PartitionFormatError";
  /**
   * The file at fault, as the message names it: relative to the partition directory
   * (`part_0/indices.bin`) or `meta.json`.
   */
  readonly file: string;

  /** Builds the message `file: problem`; `options.cause` keeps the underlying error. */
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options);
    this.file = file;
  }
}

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
  override readonly name = "PartitionFormatError";
  readonly file: string;

  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options);
    this.file = file;
  }
}

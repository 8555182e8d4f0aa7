/**
 * A checkpoint file that cannot be used: torn, corrupt, of another format
 * version, or not a checkpoint. The message says why; whoever read the file
 * names it.
 *
 * @example
 * ```ts
 * import { CheckpointFormatError } from "./checkpoint_format_error.ts";
 * console.log(new CheckpointFormatError("checksum mismatch").name); // CheckpointFormatError
 * ```
 */
export class CheckpointFormatError extends Error {
  override readonly name = "CheckpointFormatError";
}

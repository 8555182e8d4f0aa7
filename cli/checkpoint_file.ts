import { type Fingerprint, fingerprintSchema } from "../dist/cluster/fingerprint.ts";
import type { TrainingState } from "../engine/training_state.ts";
import { CheckpointFormatError } from "./checkpoint_format_error.ts";

/** What one checkpoint holds: the training state after `epoch`, and what it was made with. */
export interface Checkpoint {
  /** The last epoch finished: a resumed run starts at `epoch + 1`. */
  readonly epoch: number;
  /** The run's configuration and partitioning (see `job_fingerprint.ts`). */
  readonly fingerprint: Fingerprint;
  readonly state: TrainingState;
}

const MAGIC = "WGNNCKPT";
const VERSION = 1;
const PREAMBLE = 16;
const DIGEST = 32;

/**
 * A checkpoint file as bytes (format version 1, all numbers little-endian):
 *
 * ```
 * offset       size  contents
 * 0            8     "WGNNCKPT"
 * 8            4     uint32 format version (1)
 * 12           4     uint32 H: header length, a multiple of 4
 * 16           H     header: UTF-8 JSON, padded with spaces: { epoch, adamSteps,
 *                    numParameters, fingerprint: [[field, value], ...] }
 * 16 + H       4n    float32 parameters (the model's flat layout, n = numParameters)
 * 16 + H + 4n  4n    float32 Adam first moments
 * 16 + H + 8n  4n    float32 Adam second moments
 * 16 + H + 12n 32    SHA-256 of every byte before it
 * ```
 *
 * @example
 * ```ts
 * import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint_file.ts";
 * const v = new Float32Array([1, 2, 3, 4]);
 * const state = { parameters: v, moment1: v, moment2: v, adamSteps: 3 };
 * const bytes = await encodeCheckpoint({ epoch: 1, fingerprint: [["--lr", "0.003"]], state });
 * console.log((await decodeCheckpoint(bytes)).state.adamSteps); // 3
 * ```
 */
export async function encodeCheckpoint(c: Checkpoint): Promise<Uint8Array<ArrayBuffer>> {
  const s = c.state;
  const n = s.parameters.length;
  if (s.moment1.length !== n || s.moment2.length !== n) {
    throw new RangeError(
      `checkpoint: ${n} parameters but ${s.moment1.length} and ${s.moment2.length} moments`,
    );
  }
  const json = JSON.stringify({
    epoch: c.epoch,
    adamSteps: s.adamSteps,
    numParameters: n,
    fingerprint: c.fingerprint,
  });
  let header = new TextEncoder().encode(json);
  const padded = Math.ceil(header.length / 4) * 4;
  header = new TextEncoder().encode(json + " ".repeat(padded - header.length));
  const bytes = new Uint8Array(PREAMBLE + header.length + 12 * n + DIGEST);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, header.length, true);
  bytes.set(header, PREAMBLE);
  const floats = new Float32Array(bytes.buffer, PREAMBLE + header.length, 3 * n);
  floats.set(s.parameters, 0);
  floats.set(s.moment1, n);
  floats.set(s.moment2, 2 * n);
  const body = bytes.subarray(0, bytes.length - DIGEST);
  bytes.set(new Uint8Array(await crypto.subtle.digest("SHA-256", body)), body.length);
  return bytes;
}

/**
 * Reads a checkpoint back, checking the magic, version, sizes and the
 * SHA-256 before trusting anything: a torn write (a file cut short) or a
 * flipped bit is a {@linkcode CheckpointFormatError} saying which.
 */
export async function decodeCheckpoint(bytes: Uint8Array<ArrayBuffer>): Promise<Checkpoint> {
  const bad = (why: string) => new CheckpointFormatError(why);
  if (bytes.length < PREAMBLE + DIGEST) throw bad(`${bytes.length} bytes: torn (too short)`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw bad("not a webgnn checkpoint");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw bad(`format version ${version}, this webgnn reads ${VERSION}`);
  const h = view.getUint32(12, true);
  const body = bytes.subarray(0, bytes.length - DIGEST);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  if (!digest.every((b, i) => b === bytes[body.length + i])) {
    throw bad("checksum mismatch (torn or corrupt)");
  }
  if (h % 4 !== 0 || PREAMBLE + h > body.length) throw bad(`header length ${h} is impossible`);
  let header: {
    epoch: number;
    adamSteps: number;
    numParameters: number;
    fingerprint: unknown;
  };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + h)));
  } catch {
    throw bad("header is not JSON");
  }
  const n = header.numParameters;
  if (!Number.isInteger(n) || PREAMBLE + h + 12 * n !== body.length) {
    throw bad(`${body.length - PREAMBLE - h} bytes of vectors for ${n} parameters`);
  }
  const fingerprint = fingerprintSchema.safeParse(header.fingerprint);
  if (!fingerprint.success) throw bad("header holds no valid fingerprint");
  for (const k of ["epoch", "adamSteps"] as const) {
    if (!Number.isInteger(header[k]) || header[k] < 0) throw bad(`header ${k} is ${header[k]}`);
  }
  // Copied out, so the vectors are aligned whatever the buffer's offset.
  const floats = new Float32Array(bytes.slice(PREAMBLE + h, body.length).buffer);
  return {
    epoch: header.epoch,
    fingerprint: fingerprint.data,
    state: {
      parameters: floats.subarray(0, n),
      moment1: floats.subarray(n, 2 * n),
      moment2: floats.subarray(2 * n, 3 * n),
      adamSteps: header.adamSteps,
    },
  };
}

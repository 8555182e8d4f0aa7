// Private streaming CSV number reader used by the OGB loader: bytes are read
// (and gunzipped when the name ends in .gz) chunk by chunk and parsed by a
// byte-level state machine straight into growable typed arrays; no line or
// field strings are created on the fast path.

import { OgbFormatError } from "./ogb_format_error.ts";
import type { Progress } from "./_util.ts";

/** How the fields are parsed. */
export type CsvMode =
  /** Integers (a fraction of zeros such as `3.0` is accepted). */
  | "int"
  /** Integers, with empty / `nan` fields read as -1 (unlabeled nodes). */
  | "label"
  /** Decimal floats, stored as float32. */
  | "float";

export interface CsvOptions {
  readonly mode: CsvMode;
  /** Required column count; by default taken from the first line. */
  readonly columns?: number;
  /** Exclusive upper bound checked on every integer (e.g. the node count). */
  readonly below?: number;
  /** Expected row count, to size the output once. */
  readonly rowsHint?: number;
  /** Display name of the file in errors. */
  readonly displayName: string;
  readonly progress?: Progress;
}

export interface CsvTable<T extends Int32Array | Float32Array> {
  /** Row-major values, `rows * columns`. */
  readonly values: T;
  readonly rows: number;
  readonly columns: number;
}

const POW10 = [
  1e0,
  1e1,
  1e2,
  1e3,
  1e4,
  1e5,
  1e6,
  1e7,
  1e8,
  1e9,
  1e10,
  1e11,
  1e12,
  1e13,
  1e14,
  1e15,
  1e16,
  1e17,
  1e18,
  1e19,
  1e20,
  1e21,
  1e22,
];
const MAX_MANTISSA = 2 ** 53;

/** Opens `path` as a byte stream, gunzipping `.gz`, counting raw bytes. */
async function openBytes(
  path: string,
  onBytes: (n: number) => void,
): Promise<ReadableStream<Uint8Array>> {
  const file = await Deno.open(path, { read: true });
  let stream: ReadableStream<Uint8Array> = file.readable.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onBytes(chunk.length);
        controller.enqueue(chunk);
      },
    }),
  );
  if (path.endsWith(".gz")) {
    stream = stream.pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<
        Uint8Array,
        Uint8Array
      >,
    );
  }
  return stream;
}

/** Reads a whole CSV of numbers. */
export async function readCsv(
  path: string,
  options: CsvOptions & { mode: "float" },
): Promise<CsvTable<Float32Array>>;
export async function readCsv(
  path: string,
  options: CsvOptions & { mode: "int" | "label" },
): Promise<CsvTable<Int32Array>>;
export async function readCsv(
  path: string,
  options: CsvOptions,
): Promise<CsvTable<Int32Array | Float32Array>> {
  const size = (await Deno.stat(path)).size;
  const progress = options.progress;
  progress?.start(options.displayName, size);
  let read = 0;
  const parser = new Parser(options);
  const stream = await openBytes(path, (n) => {
    read += n;
    progress?.tick(read);
  });
  let carry = new Uint8Array(0);
  try {
    for await (const chunk of stream) {
      let buf = chunk;
      if (carry.length > 0) {
        buf = new Uint8Array(carry.length + chunk.length);
        buf.set(carry);
        buf.set(chunk, carry.length);
      }
      const lastNl = buf.lastIndexOf(10);
      if (lastNl < 0) {
        carry = buf.slice();
        continue;
      }
      parser.parse(buf, lastNl + 1);
      carry = buf.slice(lastNl + 1);
    }
  } catch (e) {
    if (e instanceof OgbFormatError) throw e;
    throw new OgbFormatError(
      options.displayName,
      parser.line || undefined,
      `could not read (${e instanceof Error ? e.message : String(e)})`,
      { cause: e },
    );
  }
  if (carry.length > 0) {
    const last = new Uint8Array(carry.length + 1);
    last.set(carry);
    last[carry.length] = 10;
    parser.parse(last, last.length);
  }
  progress?.done();
  return parser.finish();
}

class Parser {
  line = 0;
  rows = 0;
  columns: number;
  values: Int32Array | Float32Array;
  used = 0;
  readonly #o: CsvOptions;
  readonly #below: number;

  constructor(o: CsvOptions) {
    this.#o = o;
    this.columns = o.columns ?? 0;
    this.#below = o.below ?? Infinity;
    const cap = Math.max(1024, (o.rowsHint ?? 0) * Math.max(this.columns, 1));
    this.values = o.mode === "float" ? new Float32Array(cap) : new Int32Array(cap);
  }

  finish(): CsvTable<Int32Array | Float32Array> {
    const used = this.used;
    const values = used * 4 >= this.values.length * 3
      ? this.values.subarray(0, used)
      : this.values.slice(0, used);
    return { values, rows: this.rows, columns: this.columns };
  }

  #fail(problem: string): never {
    throw new OgbFormatError(this.#o.displayName, this.line, problem);
  }

  #grow(need: number): void {
    let cap = this.values.length * 2;
    while (cap < need) cap *= 2;
    const next = this.#o.mode === "float" ? new Float32Array(cap) : new Int32Array(cap);
    next.set(this.values.subarray(0, this.used));
    this.values = next;
  }

  #describe(buf: Uint8Array, pos: number): string {
    let end = pos;
    while (
      end < buf.length && end - pos < 24 && buf[end] !== 44 && buf[end] !== 10 && buf[end] !== 13
    ) {
      end++;
    }
    return pos === end ? "an empty field" : `'${new TextDecoder().decode(buf.subarray(pos, end))}'`;
  }

  /** Parses complete lines in buf[0..end), end just after a '\n'. */
  parse(buf: Uint8Array, end: number): void {
    const mode = this.#o.mode;
    const isFloat = mode === "float";
    const isLabel = mode === "label";
    const below = this.#below;
    let pos = 0;
    while (pos < end) {
      this.line++;
      // blank line (possibly "\r\n"): an unlabeled node in label mode
      let c = buf[pos]!;
      if (c === 10 || (c === 13 && buf[pos + 1] === 10)) {
        pos += c === 13 ? 2 : 1;
        if (isLabel) {
          if (this.columns > 1) this.#fail(`expected ${this.columns} columns, got an empty line`);
          if (this.used >= this.values.length) this.#grow(this.used + 1);
          this.values[this.used++] = -1;
          this.columns = 1;
          this.rows++;
        }
        continue;
      }
      if (this.used + Math.max(this.columns, 1) > this.values.length) {
        this.#grow(this.used + Math.max(this.columns, 1));
      }
      let col = 0;
      for (;;) {
        const start = pos;
        c = buf[pos]!;
        let value: number;
        if (isFloat) {
          let neg = false;
          if (c === 45 || c === 43) {
            neg = c === 45;
            c = buf[++pos]!;
          }
          let m = 0;
          let exp = 0;
          let digits = 0;
          while (c >= 48 && c <= 57) {
            if (m < MAX_MANTISSA / 10) m = m * 10 + (c - 48);
            else exp++;
            digits++;
            c = buf[++pos]!;
          }
          if (c === 46) {
            c = buf[++pos]!;
            while (c >= 48 && c <= 57) {
              if (m < MAX_MANTISSA / 10) {
                m = m * 10 + (c - 48);
                exp--;
              }
              digits++;
              c = buf[++pos]!;
            }
          }
          if (digits === 0) {
            this.#fail(
              `expected a number in column ${col + 1}, found ${this.#describe(buf, start)}`,
            );
          }
          if (c === 101 || c === 69) {
            c = buf[++pos]!;
            let eneg = false;
            if (c === 45 || c === 43) {
              eneg = c === 45;
              c = buf[++pos]!;
            }
            let e = 0;
            let ed = 0;
            while (c >= 48 && c <= 57) {
              e = e * 10 + (c - 48);
              ed++;
              c = buf[++pos]!;
            }
            if (ed === 0) {
              this.#fail(
                `expected a number in column ${col + 1}, found ${this.#describe(buf, start)}`,
              );
            }
            exp += eneg ? -e : e;
          }
          if (exp === 0) value = m;
          else if (exp < 0 && exp >= -22) value = m / POW10[-exp]!;
          else if (exp > 0 && exp <= 22) value = m * POW10[exp]!;
          else value = m * Math.pow(10, exp);
          if (neg) value = -value;
        } else {
          let neg = false;
          if (c === 45) {
            neg = true;
            c = buf[++pos]!;
          }
          let v = 0;
          let digits = 0;
          while (c >= 48 && c <= 57) {
            v = v * 10 + (c - 48);
            digits++;
            c = buf[++pos]!;
          }
          if (c === 46 && digits > 0) {
            // accept "3.0": a fraction of zeros only
            c = buf[++pos]!;
            while (c === 48) c = buf[++pos]!;
          }
          if (digits === 0 && isLabel && (c === 10 || c === 13 || c === 44)) {
            value = -1; // empty field: unlabeled
          } else if (
            digits === 0 && isLabel && (c === 110 || c === 78) &&
            (buf[pos + 1] === 97 || buf[pos + 1] === 65) &&
            (buf[pos + 2] === 110 || buf[pos + 2] === 78)
          ) {
            value = -1; // nan / NaN
            pos += 3;
            c = buf[pos]!;
          } else {
            if (digits === 0 || digits > 10) {
              this.#fail(
                `expected an integer in column ${col + 1}, found ${this.#describe(buf, start)}`,
              );
            }
            value = neg ? -v : v;
            if (value < 0 || value >= below) {
              if (!(isLabel && value === -1)) {
                this.#fail(
                  `expected an integer in 0..${below - 1} in column ${col + 1}, found ${value}`,
                );
              }
            }
          }
        }
        col++;
        if (this.columns > 0 && col > this.columns) {
          this.#fail(`expected ${this.columns} columns, got more`);
        }
        if (this.used >= this.values.length) this.#grow(this.used + 1);
        this.values[this.used++] = value;
        if (c === 44) {
          pos++;
          continue;
        }
        if (c === 13) c = buf[++pos]!;
        if (c === 10) {
          pos++;
          break;
        }
        this.#fail(
          `expected ',' or end of line after column ${col}, found ${this.#describe(buf, pos)}`,
        );
      }
      if (this.columns === 0) this.columns = col;
      else if (col !== this.columns) {
        this.#fail(`expected ${this.columns} columns, got ${col}`);
      }
      this.rows++;
    }
  }
}

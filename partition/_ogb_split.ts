// Private reader of an OGB `split/NAME/` directory for the OGB loader: one
// column per line is a node split (node ids, ogbn-*), two columns a link split
// (source, destination edges, ogbl-*) with optional fixed negatives.

import type { LinkEdges, LinkSplit } from "../engine/link_split.ts";
import { readCsv } from "./_csv.ts";
import { OgbFormatError } from "./ogb_format_error.ts";

/** A CSV file of the dataset directory: its path and the name errors give. */
export interface OgbFile {
  readonly path: string;
  readonly display: string;
}

/** What `split/NAME/` holds: node id lists, or link edges and an empty node split. */
export interface OgbSplit {
  readonly split: {
    readonly train: Int32Array;
    readonly valid: Int32Array;
    readonly test: Int32Array;
  };
  readonly links?: LinkSplit;
}

const PARTS = ["train", "valid", "test"] as const;

/**
 * Reads `split/NAME/{train,valid,test}` (found by `find`, which throws for a
 * missing required file) over `n` nodes: all three of one column are a node
 * split, all three of two columns a link split, with `valid_neg` and
 * `test_neg` (two columns) read where present. An empty file fits either.
 * Any other column count, a mix, or negatives beside a node split is an
 * {@linkcode OgbFormatError} naming the files.
 */
export async function readOgbSplit(
  dir: string,
  n: number,
  find: (stem: string, required: boolean) => Promise<OgbFile | undefined>,
): Promise<OgbSplit> {
  const tables = [];
  for (const part of PARTS) {
    const file = (await find(`split/${dir}/${part}`, true))!;
    const t = await readCsv(file.path, { mode: "int", below: n, displayName: file.display });
    if (t.columns > 2) {
      throw new OgbFormatError(
        file.display,
        1,
        `expected 1 column (node ids) or 2 (source, destination edges), got ${t.columns}`,
      );
    }
    tables.push({ file, ...t });
  }
  const shaped = tables.filter((t) => t.rows > 0);
  const columns = shaped[0]?.columns ?? 1;
  const odd = shaped.find((t) => t.columns !== columns);
  if (odd) {
    const first = shaped[0]!;
    throw new OgbFormatError(
      `split/${dir}`,
      undefined,
      `${first.file.display} has ${columns} column${columns === 1 ? "" : "s"} but ` +
        `${odd.file.display} has ${odd.columns}: the split files must all be node ids ` +
        "(1 column) or all edges (2 columns: source, destination)",
    );
  }
  const negatives = [];
  for (const part of ["valid_neg", "test_neg"] as const) {
    const file = await find(`split/${dir}/${part}`, false);
    if (file && columns === 1) {
      throw new OgbFormatError(
        file.display,
        undefined,
        `fixed negative edges belong to a link split, but ${
          shaped[0]!.file.display
        } holds node ids (1 column)`,
      );
    }
    negatives.push(file ? await readEdges(file, n) : undefined);
  }
  if (columns === 1) {
    const [train, valid, test] = tables.map((t) => t.values) as [
      Int32Array,
      Int32Array,
      Int32Array,
    ];
    return { split: { train, valid, test } };
  }
  const [train, valid, test] = tables.map((t) => deinterleave(t.values)) as [
    LinkEdges,
    LinkEdges,
    LinkEdges,
  ];
  const [validNeg, testNeg] = negatives;
  const empty = new Int32Array(0);
  return {
    split: { train: empty, valid: empty, test: empty },
    links: {
      train,
      valid,
      test,
      ...(validNeg ? { validNeg } : {}),
      ...(testNeg ? { testNeg } : {}),
    },
  };
}

async function readEdges(file: OgbFile, n: number): Promise<LinkEdges> {
  const t = await readCsv(file.path, {
    mode: "int",
    columns: 2,
    below: n,
    displayName: file.display,
  });
  return deinterleave(t.values);
}

/** Interleaved (source, destination) pairs as two id lists. */
function deinterleave(pairs: Int32Array): LinkEdges {
  const m = pairs.length >>> 1;
  const source = new Int32Array(m);
  const target = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    source[i] = pairs[2 * i]!;
    target[i] = pairs[2 * i + 1]!;
  }
  return { source, target };
}

import { UsageError } from "./usage_error.ts";

/**
 * Expands a Slurm host list as Slurm writes it in `SLURM_JOB_NODELIST`:
 * comma-separated names, each with any number of bracketed groups of
 * numbers and ranges whose zero padding is kept (`node[01-04,07]`,
 * `a[1-2],b3`, `rack[1-2]-n[1-2]` is four hosts, rack by rack). A malformed
 * list is a {@link UsageError} naming `what` (the variable it came from).
 *
 * @example
 * ```ts
 * import { expandNodelist } from "./expand_nodelist.ts";
 * console.log(expandNodelist("gpu[01-03,07],login1")); // ["gpu01","gpu02","gpu03","gpu07","login1"]
 * ```
 */
export function expandNodelist(list: string, what = "the node list"): string[] {
  const bad = (why: string) => new UsageError(`${what}="${list}" is not a Slurm host list: ${why}`);
  const hosts: string[] = [];
  for (const item of splitTopLevel(list, bad)) {
    if (item === "") throw bad("an empty host name");
    let names = [""];
    for (const part of item.split(/(\[[^\]]*\])/)) {
      if (part === "") continue;
      if (part.includes("[") || part.includes("]")) {
        if (!/^\[[^[\]]+\]$/.test(part)) throw bad(`unbalanced brackets in "${item}"`);
        const numbers = expandRanges(part.slice(1, -1), bad);
        names = names.flatMap((n) => numbers.map((x) => n + x));
      } else {
        names = names.map((n) => n + part);
      }
    }
    hosts.push(...names);
  }
  return hosts;
}

/** Splits at commas outside brackets. */
function splitTopLevel(list: string, bad: (why: string) => Error): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    if (depth < 0 || depth > 1) throw bad("unbalanced brackets");
    if (c === "," && depth === 0) {
      items.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0) throw bad("unbalanced brackets");
  items.push(list.slice(start).trim());
  return items;
}

/** `01-04,07` -> `["01","02","03","04","07"]`, keeping the first number's width. */
function expandRanges(ranges: string, bad: (why: string) => Error): string[] {
  const out: string[] = [];
  for (const range of ranges.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range.trim());
    if (!m) throw bad(`"${range}" is not a number or a range such as 01-04`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw bad(`the range "${range}" runs backwards`);
    if (to - from > 100_000) throw bad(`the range "${range}" is too long`);
    const width = m[1]!.length;
    for (let x = from; x <= to; x++) out.push(String(x).padStart(width, "0"));
  }
  return out;
}

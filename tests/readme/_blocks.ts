// The README's command blocks, read as a test runs them: every fenced `sh`
// block (also `bash`, `shell`), its commands (continuation lines joined,
// comment lines dropped), and the `<!-- readme-test: ... -->` directives
// written right before it. See tests/README.md, "README blocks".
import { SYSTEM_PARTS, type SystemPart } from "../_needs.ts";

/** A command of a README block, with the README line it starts on. */
export interface ReadmeCommand {
  readonly line: number;
  /** The command as written, continuation lines joined. */
  readonly text: string;
}

/** A command the block's directives leave out, and why. */
export interface SkippedCommand extends ReadmeCommand {
  readonly reason: string;
}

/** A fenced shell block of the README, with what its directives say. */
export interface ReadmeBlock {
  /** The README line of the opening fence. */
  readonly line: number;
  /** The nearest heading above the block. */
  readonly heading: string;
  /** The commands to run, in order. */
  readonly commands: readonly ReadmeCommand[];
  /** Commands run first, from `before` directives (fixtures the README assumes). */
  readonly before: readonly ReadmeCommand[];
  /** The commands a `skip \`PREFIX\`` directive leaves out. */
  readonly skipped: readonly SkippedCommand[];
  /** Set when a `skip (REASON)` directive leaves the whole block out. */
  readonly skipReason: string | undefined;
  /** System parts the block needs (`needs PART[,PART]`): it runs as `testNeeding` runs a test. */
  readonly needs: readonly SystemPart[];
}

/** A README that breaks the rules of its command blocks (a directive without a reason...). */
export class ReadmeFormatError extends Error {
  override readonly name = "ReadmeFormatError";
}

const SHELLS = ["sh", "bash", "shell"];
const DIRECTIVE = /^\s*<!--\s*readme-test:(.*?)-->\s*$/;
const SKIP = /^skip(?:\s+`([^`]+)`)?\s*(?:\((.*)\))?\s*$/;
const BEFORE = /^before\s+`([^`]+)`\s*$/;
const NEEDS = /^needs\s+([a-z,]+)\s*$/;
/** A line of a block without a language that reads as a command a user would type. */
const COMMAND_LIKE = /^\s*(?:\$\s+)?(?:[A-Z_]+=\S+\s+)*(?:deno|npm|npx|srun|sbatch|kubectl|bash)\s/;

interface Directive {
  readonly line: number;
  readonly text: string;
}

/**
 * Reads the command blocks of a README's text. `file` names it in errors.
 * A directive that is not right before a shell block, a `skip` without a
 * reason, a `skip` prefix that matches no command, an unknown directive or
 * commands in a fenced block without a language is a
 * {@linkcode ReadmeFormatError}: a block of commands is either run or
 * visibly marked, never silently left out. Blocks in other languages
 * (`text` for output, `yaml`, `python`, `ts`) are not run.
 */
export function readmeBlocks(text: string, file = "README.md"): ReadmeBlock[] {
  const lines = text.split("\n");
  const blocks: ReadmeBlock[] = [];
  let heading = "";
  let pending: Directive[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const directive = DIRECTIVE.exec(line);
    if (directive) {
      pending.push({ line: i + 1, text: directive[1]!.trim() });
      continue;
    }
    if (line.trim() === "") continue;
    const fence = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (!fence) {
      if (pending.length > 0) {
        throw new ReadmeFormatError(
          `${file}:${pending[0]!.line}: a readme-test directive must come right before a ` +
            "code block (only blank lines between)",
        );
      }
      const h = /^#{1,6}\s+(.*)$/.exec(line);
      if (h) heading = h[1]!.trim();
      continue;
    }
    const lang = fence[3]!.toLowerCase();
    const close = new RegExp(`^\\s*${fence[2]![0]}{${fence[2]!.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    if (end >= lines.length) {
      throw new ReadmeFormatError(`${file}:${i + 1}: code block never closed`);
    }
    if (lang === "" && lines.slice(i + 1, end).some((l) => COMMAND_LIKE.test(l))) {
      throw new ReadmeFormatError(
        `${file}:${i + 1}: commands in a code block without a language: write \`\`\`sh ` +
          "(the README test runs them), or \`\`\`text if they are not to be run",
      );
    }
    if (SHELLS.includes(lang)) {
      const body = lines.slice(i + 1, end);
      blocks.push(withDirectives(file, i + 1, heading, commandsOf(body, i + 2), pending));
    } else if (pending.length > 0) {
      throw new ReadmeFormatError(
        `${file}:${pending[0]!.line}: readme-test directives apply to sh blocks, not \`\`\`${lang}`,
      );
    }
    pending = [];
    i = end;
  }
  if (pending.length > 0) {
    throw new ReadmeFormatError(
      `${file}:${pending[0]!.line}: a readme-test directive after the last block`,
    );
  }
  return blocks;
}

/**
 * The commands of a block's lines (`first` is the README line of the first):
 * lines ending in `\` continue on the next, blank and comment-only lines are
 * dropped. A trailing comment stays: the shell ignores it.
 */
export function commandsOf(body: readonly string[], first: number): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  let text = "";
  let start = 0;
  for (let k = 0; k < body.length; k++) {
    const line = body[k]!;
    if (text === "") {
      if (line.trim() === "" || line.trim().startsWith("#")) continue;
      start = first + k;
    }
    const code = codeOf(line);
    if (/\\\s*$/.test(code)) {
      text += code.replace(/\\\s*$/, " ");
      continue;
    }
    text += line;
    out.push({ line: start, text: text.replace(/\s+/g, " ").trim() });
    text = "";
  }
  if (text !== "") out.push({ line: start, text: text.trim() });
  return out;
}

/** A command line without its trailing comment (a `#` that starts a word, outside quotes). */
export function codeOf(line: string): string {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== "") {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line;
}

function withDirectives(
  file: string,
  line: number,
  heading: string,
  commands: ReadmeCommand[],
  directives: readonly Directive[],
): ReadmeBlock {
  let skipReason: string | undefined;
  const before: ReadmeCommand[] = [];
  const skipped: SkippedCommand[] = [];
  const needs: SystemPart[] = [];
  let kept = commands;
  for (const d of directives) {
    const where = `${file}:${d.line}`;
    const skip = SKIP.exec(d.text);
    const pre = BEFORE.exec(d.text);
    const need = NEEDS.exec(d.text);
    if (skip) {
      const reason = skip[2]?.trim() ?? "";
      if (reason === "") {
        throw new ReadmeFormatError(
          `${where}: "readme-test: ${d.text}" needs a reason: skip (why it cannot run in a test)`,
        );
      }
      const prefix = skip[1];
      if (prefix === undefined) {
        skipReason = reason;
        continue;
      }
      const matched = kept.filter((c) => c.text.startsWith(prefix));
      if (matched.length === 0) {
        throw new ReadmeFormatError(
          `${where}: skip \`${prefix}\` matches no command of the block below`,
        );
      }
      skipped.push(...matched.map((c) => ({ ...c, reason })));
      kept = kept.filter((c) => !matched.includes(c));
    } else if (pre) {
      before.push({ line: d.line, text: pre[1]!.trim() });
    } else if (need) {
      for (const part of need[1]!.split(",")) {
        if (!(part in SYSTEM_PARTS)) {
          throw new ReadmeFormatError(
            `${where}: needs ${part}: expected one of ${Object.keys(SYSTEM_PARTS).join(", ")}`,
          );
        }
        needs.push(part as SystemPart);
      }
    } else {
      throw new ReadmeFormatError(
        `${where}: unknown directive "readme-test: ${d.text}" (skip (why), skip \`PREFIX\` (why), ` +
          "before `COMMAND`, needs PART)",
      );
    }
  }
  return { line, heading, commands: kept, before, skipped, skipReason, needs };
}

import cliProgress from "cli-progress";
import process from "node:process";

/**
 * A progress bar on stderr for long work (an epoch's steps), drawn only when
 * stderr is a terminal and not `quiet`; otherwise updates cost nothing.
 *
 * @example
 * ```ts
 * import { ProgressBar } from "./progress_bar.ts";
 * const bar = new ProgressBar("epoch 1", 10, true);
 * bar.update(5);
 * bar.stop();
 * ```
 */
export class ProgressBar {
  readonly #bar: cliProgress.SingleBar | undefined;

  constructor(label: string, total: number, quiet = false) {
    if (quiet || !Deno.stderr.isTerminal()) return;
    this.#bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {value}/{total} {duration_formatted} (eta {eta_formatted})`,
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    this.#bar.start(total, 0);
  }

  update(done: number): void {
    this.#bar?.update(done);
  }

  stop(): void {
    this.#bar?.stop();
  }
}

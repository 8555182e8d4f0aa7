/** A child `deno run` of a fixture script, talking through its stdio. */
export class Fixture {
  readonly child: Deno.ChildProcess;
  readonly #lines: ReadableStreamDefaultReader<string>;
  #buffer = "";
  stderr = "";
  readonly #stderrDone: Promise<void>;

  constructor(script: string, args: string[], env: Record<string, string>) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        new URL(`./fixtures/${script}`, import.meta.url).pathname,
        ...args,
      ],
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#lines = this.child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const stderr = this.child.stderr;
    this.#stderrDone = (async () => {
      for await (const chunk of stderr.pipeThrough(new TextDecoderStream())) {
        this.stderr += chunk;
      }
    })();
  }

  /** The next stdout line; fails after `timeoutMs`. */
  async line(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#buffer.includes("\n")) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no line from fixture; stderr: ${this.stderr}`)),
          Math.max(1, deadline - Date.now()),
        );
      });
      try {
        const { value, done } = await Promise.race([this.#lines.read(), timeout]);
        if (done) throw new Error(`fixture ended; stderr: ${this.stderr}`);
        this.#buffer += value;
      } finally {
        clearTimeout(timer);
      }
    }
    const at = this.#buffer.indexOf("\n");
    const line = this.#buffer.slice(0, at);
    this.#buffer = this.#buffer.slice(at + 1);
    return line;
  }

  /** Kills the child at once, as a crash would. */
  kill(): void {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }

  /** Hangs up stdin (a clean exit request), then waits for exit and drains. */
  async close(): Promise<Deno.CommandStatus> {
    await this.child.stdin.close().catch(() => {});
    const timer = setTimeout(() => this.kill(), 10_000);
    const status = await this.child.status;
    clearTimeout(timer);
    while (!(await this.#lines.read()).done) { /* drain */ }
    await this.#stderrDone;
    return status;
  }
}

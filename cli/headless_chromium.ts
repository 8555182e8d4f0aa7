/**
 * The flags that run Chromium headless here: no GPU, no sandbox, no network of its own.
 *
 * @example
 * ```ts
 * import { CHROMIUM_FLAGS } from "./headless_chromium.ts";
 * console.assert(CHROMIUM_FLAGS.includes("--headless=new"));
 * ```
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * The system's Chromium: `WEBGNN_CHROMIUM` (undefined when nothing is there),
 * else `chromium` or `chromium-browser` on PATH.
 *
 * @example
 * ```ts
 * import { chromiumPath } from "./headless_chromium.ts";
 * console.log(chromiumPath() ?? "no Chromium: apt-get install chromium");
 * ```
 */
export function chromiumPath(): string | undefined {
  const named = Deno.env.get("WEBGNN_CHROMIUM");
  if (named) {
    try {
      return Deno.statSync(named).isFile ? named : undefined;
    } catch {
      return undefined;
    }
  }
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of ["chromium", "chromium-browser"]) {
      try {
        if (dir && Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
}

/**
 * A headless Chromium driven over the DevTools protocol (its WebSocket):
 * one page at a time, navigated, evaluated in, and photographed. Started
 * with a fresh profile directory, removed again by `close()`.
 *
 * @example
 * ```ts ignore
 * import { HeadlessChromium } from "./headless_chromium.ts";
 * const browser = await HeadlessChromium.start();
 * try {
 *   await browser.open("data:text/html,<p>hi</p>");
 *   console.log(await browser.evaluate("document.body.textContent")); // hi
 * } finally {
 *   await browser.close();
 * }
 * ```
 */
export class HeadlessChromium {
  readonly #child: Deno.ChildProcess;
  readonly #socket: WebSocket;
  readonly #profile: string;
  readonly #drained: Promise<void>;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #session: string | undefined;

  private constructor(
    child: Deno.ChildProcess,
    socket: WebSocket,
    profile: string,
    drained: Promise<void>,
  ) {
    this.#child = child;
    this.#socket = socket;
    this.#profile = profile;
    this.#drained = drained;
    socket.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
      };
      const call = msg.id === undefined ? undefined : this.#pending.get(msg.id);
      if (!call) return;
      this.#pending.delete(msg.id!);
      if (msg.error) call.reject(new Error(`Chromium: ${msg.error.message}`));
      else call.resolve(msg.result ?? {});
    };
    socket.onclose = () => {
      for (const call of this.#pending.values()) call.reject(new Error("Chromium went away"));
      this.#pending.clear();
    };
  }

  /** Starts Chromium (at `path`, default {@link chromiumPath}) and waits, at most `timeoutMs`, for its DevTools socket. */
  static async start(path = chromiumPath(), timeoutMs = 30_000): Promise<HeadlessChromium> {
    if (!path) throw new Error("no Chromium found (Debian package chromium; or WEBGNN_CHROMIUM)");
    const profile = await Deno.makeTempDir({ prefix: "webgnn-chromium-" });
    const child = new Deno.Command(path, {
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "--remote-debugging-port=0"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const url = Promise.withResolvers<string>();
    let tail = "";
    const drained = (async () => {
      const decoder = new TextDecoderStream();
      for await (const chunk of child.stderr.pipeThrough(decoder)) {
        tail = (tail + chunk).slice(-4000);
        const m = tail.match(/DevTools listening on (ws:\/\/\S+)/);
        if (m) url.resolve(m[1]!);
      }
      url.reject(new Error(`Chromium exited before its DevTools socket opened: ${tail.trim()}`));
    })();
    const timer = setTimeout(
      () => url.reject(new Error(`Chromium opened no DevTools socket within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      const socket = new WebSocket(await url.promise);
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = () => reject(new Error("cannot connect to Chromium's DevTools socket"));
      });
      return new HeadlessChromium(child, socket, profile, drained);
    } catch (error) {
      child.kill("SIGKILL");
      await child.status;
      await drained.catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends one DevTools command (to the open page unless `browser`) and waits for its answer. */
  send(
    method: string,
    params: Record<string, unknown> = {},
    browser = false,
  ): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<Record<string, unknown>>();
    this.#pending.set(id, { resolve, reject });
    const sessionId = browser ? undefined : this.#session;
    this.#socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return promise;
  }

  /** Opens `url` in a fresh page of `width` x `height` and waits, at most `timeoutMs`, for it to load. */
  async open(url: string, width = 1280, height = 900, timeoutMs = 20_000): Promise<void> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" }, true);
    const { sessionId } = await this.send(
      "Target.attachToTarget",
      { targetId, flatten: true },
      true,
    );
    this.#session = String(sessionId);
    await this.send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    await this.send("Page.navigate", { url });
    await this.waitFor(`document.readyState === "complete"`, timeoutMs, `${url} to load`);
  }

  /** The value of `expression` in the page (promises awaited). */
  async evaluate(expression: string): Promise<unknown> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    const thrown = r.exceptionDetails as { text?: string; exception?: { description?: string } };
    if (thrown) {
      throw new Error(`in the page: ${thrown.exception?.description ?? thrown.text ?? "error"}`);
    }
    return (r.result as { value?: unknown }).value;
  }

  /** Waits until `expression` is truthy in the page, polling; throws naming `what` after `timeoutMs`. */
  async waitFor(expression: string, timeoutMs: number, what = expression): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.evaluate(expression).catch(() => undefined);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A PNG of the whole page. */
  async screenshot(): Promise<Uint8Array> {
    const { data } = await this.send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
    });
    return Uint8Array.from(atob(String(data)), (c) => c.charCodeAt(0));
  }

  /** Ends Chromium (asked, then killed after 5 s) and removes its profile. */
  async close(): Promise<void> {
    const closed = new Promise((r) => {
      if (this.#socket.readyState === WebSocket.CLOSED) r(null);
      this.#socket.addEventListener("close", r);
    });
    this.send("Browser.close", {}, true).catch(() => {});
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5_000);
    await this.#child.status;
    clearTimeout(timer);
    this.#socket.close();
    await closed;
    await this.#drained.catch(() => {});
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

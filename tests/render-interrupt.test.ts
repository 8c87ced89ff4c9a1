import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cleanupOnInterrupt } from "../render/interrupt";
import { renderChildCommand, snapshot, tempProject } from "./support/render-project";

// A render interrupted while kubectl builds its overlays (Ctrl-C, kill) stops those builds, removes its scratch
// tree and ends by the signal, writing nothing. A real render process, with a kubectl that never finishes.
describe("render: interrupted while it builds the overlays", function () {
  this.timeout(60000);
  let project: string;
  let tmp: string;
  let kubectl: string;
  let pids: string;
  beforeEach(() => {
    project = tempProject({}, { gitops: true });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-interrupt-"));
    pids = path.join(project, "kubectl-pids");
    kubectl = path.join(project, "kubectl");
    fs.writeFileSync(kubectl, `#!/bin/sh\necho $$ >> '${pids}'\nexec sleep 30\n`, { mode: 0o755 });
  });
  afterEach(() => {
    for (const pid of started()) if (alive(pid)) process.kill(pid, "SIGKILL");
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const started = () =>
    fs.existsSync(pids) ? fs.readFileSync(pids, "utf8").split("\n").filter(Boolean).map(Number) : [];
  // Running, not a zombie: a killed process whose parent (the render) ended waits for init to reap it, and init in
  // a container may never do so. Read from /proc where there is one.
  const alive = (pid: number) => {
    if (fs.existsSync("/proc/self/stat")) {
      try {
        return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
      } catch {
        return false;
      }
    }
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal}: the kubectl processes stop, the scratch tree and the lock are gone, nothing is written, and it ends by ${signal}`, async () => {
      const before = snapshot(path.join(project, "gitops"));
      const [node, ...args] = renderChildCommand(project, "--no-build-cache");
      const proc = spawn(node, args, { env: { ...process.env, KUBECTL: kubectl, TMPDIR: tmp }, stdio: "ignore" });
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        proc.on("exit", (c, s) => resolve({ code: c, signal: s })),
      );
      // when both overlays' kubectl processes run
      while (started().length < 2) await new Promise((r) => setTimeout(r, 20));
      assert.strictEqual(
        fs.readdirSync(tmp).filter((f) => f.startsWith("mesh-lab-build-")).length,
        1,
        "no scratch tree while kubectl runs",
      );
      proc.kill(signal);
      const end = await ended;
      // then
      assert.ok(end.signal === signal || end.code === code, `ended with ${JSON.stringify(end)}`);
      assert.deepStrictEqual(
        fs.readdirSync(tmp).filter((f) => f.startsWith("mesh-lab-build-")),
        [],
      );
      for (let i = 0; i < 50 && started().some(alive); i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepStrictEqual(started().filter(alive), [], "a kubectl process still runs");
      assert.deepStrictEqual(snapshot(path.join(project, "gitops")), before);
    });
  }
});

// The same rule in this process, where a mutant of render/interrupt.ts is switched on: process.kill is replaced for
// the test, so the signal is recorded instead of ending mocha.
describe("cleanupOnInterrupt", () => {
  const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const listeners = () => SIGNALS.map((s) => process.listenerCount(s));

  it("listens for SIGINT, SIGTERM and SIGHUP only while the work runs, and leaves cleanup alone when none comes", async () => {
    const before = listeners();
    let cleaned = 0;
    const during = await cleanupOnInterrupt(
      () => void cleaned++,
      () => Promise.resolve(listeners()),
    );
    assert.deepStrictEqual(
      during,
      before.map((n) => n + 1),
    );
    assert.deepStrictEqual(listeners(), before);
    assert.strictEqual(cleaned, 0);
    await assert.rejects(
      cleanupOnInterrupt(
        () => undefined,
        () => Promise.reject(new Error("work failed")),
      ),
      /work failed/,
    );
    assert.deepStrictEqual(listeners(), before, "a failed work stops listening too");
  });

  it("on a signal: stops listening, cleans up, then sends itself the same signal", async () => {
    const kill = Object.getOwnPropertyDescriptor(process, "kill")!;
    const events: string[] = [];
    const before = listeners();
    const others = process.listeners("SIGTERM");
    try {
      process.kill = (pid: number, signal?: string | number) => {
        events.push(`kill ${pid === process.pid ? "self" : pid} ${signal} listening=${listeners().join(",")}`);
        return true;
      };
      await cleanupOnInterrupt(
        () => void events.push("cleanup"),
        () => {
          // Only the listener cleanupOnInterrupt added hears it: the test runner's own listeners are left alone.
          const added = process.listeners("SIGTERM").filter((l) => !others.includes(l));
          for (const l of added) l("SIGTERM");
          return Promise.resolve();
        },
      );
    } finally {
      Object.defineProperty(process, "kill", kill);
    }
    assert.deepStrictEqual(events, ["cleanup", `kill self SIGTERM listening=${before.join(",")}`]);
  });
});

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CHECK_TRIES,
  CURL_MAX_SECONDS,
  Expectation,
  PAUSE_SECONDS,
  verifyJobManifest,
} from "../components/verify-job-spec";
import { stackSettings } from "./support/stacks";

const URL = "http://accounts.accounts.svc.cluster.local:8080/";

// The Job's real command, from the real manifest: the script is what runs in the pod.
function jobCommand(expect: Expectation): string[] {
  const job = verifyJobManifest(stackSettings("cluster-1"), { name: "verify", namespace: "finance", url: URL, expect });
  return (job.spec as { template: { spec: { containers: { command: string[] }[] } } }).template.spec.containers[0]
    .command;
}

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly calls: string[];
  readonly sleeps: string[];
}

/**
 * Runs the generated script with /bin/sh against a fake `curl` on PATH that answers, call by call, with the
 * given "<curl exit code> <HTTP code>" lines (the last one repeats), and a `sleep` that only records its argument.
 */
function runScript(expect: Expectation, answers: string[]): Outcome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-check-"));
  try {
    fs.writeFileSync(path.join(dir, "answers"), answers.join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "count"), "0");
    fs.writeFileSync(
      path.join(dir, "curl"),
      // Shell built-ins only: the script may call curl dozens of times, and each extra process is time.
      `#!/bin/sh
echo "$*" >> "$FAKE/calls"
read -r n < "$FAKE/count"; n=$((n + 1)); echo $n > "$FAKE/count"
i=0; line=; while IFS= read -r l; do i=$((i + 1)); last=$l; [ $i -eq $n ] && line=$l; done < "$FAKE/answers"
[ -z "$line" ] && line=$last
printf '%s' "\${line#* }"
exit "\${line%% *}"
`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, "sleep"), `#!/bin/sh\necho "$1" >> "$FAKE/sleeps"\n`, { mode: 0o755 });
    const [shell, flag, script] = jobCommand(expect);
    assert.deepStrictEqual([shell, flag], ["/bin/sh", "-c"]);
    const run = spawnSync(shell, [flag, script], {
      env: { PATH: `${dir}:${process.env.PATH}`, FAKE: dir },
      encoding: "utf8",
    });
    const lines = (f: string) =>
      fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter(Boolean) : [];
    return { status: run.status, stdout: run.stdout, calls: lines("calls"), sleeps: lines("sleeps") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("policy-check scripts, run with /bin/sh against a fake curl", () => {
  describe("must be refused", () => {
    it("passes on a 403 from the waypoint", () => {
      const out = runScript("denied", ["0 403"]);
      assert.strictEqual(out.status, 0, out.stdout);
      assert.match(out.stdout, /PASS: refused by the waypoint \(403\)/);
      assert.strictEqual(out.calls.length, 1);
    });

    it("passes on a connection reset by ztunnel (curl exit 56)", () => {
      const out = runScript("denied", ["56 000"]);
      assert.strictEqual(out.status, 0, out.stdout);
      assert.match(out.stdout, /PASS: connection reset \(ztunnel\)/);
    });

    it("fails at once on a 200", () => {
      const out = runScript("denied", ["0 200", "0 403"]);
      assert.strictEqual(out.status, 1, out.stdout);
      assert.match(out.stdout, new RegExp(`FAIL: expected ${URL} to be refused, it answered 200`));
      assert.strictEqual(out.calls.length, 1);
    });

    for (const [what, answer] of [
      ["a DNS failure (curl 6)", "6 000"],
      ["no connection (curl 7)", "7 000"],
      ["a timeout (curl 28)", "28 000"],
      ["an empty reply (curl 52)", "52 000"],
      ["a 404", "0 404"],
      ["a 503", "0 503"],
    ]) {
      it(`calls ${what} inconclusive and fails once the retries are spent`, () => {
        const out = runScript("denied", [answer]);
        assert.strictEqual(out.status, 1, out.stdout);
        const [rc, code] = answer.split(" ");
        assert.ok(
          out.stdout.includes(
            `FAIL: inconclusive: no 403 and no connection reset from ${URL} in ${CHECK_TRIES} tries; last: curl exit ${rc}, HTTP ${code}`,
          ),
          out.stdout,
        );
        assert.strictEqual(out.calls.length, CHECK_TRIES);
      });
    }

    it("retries an inconclusive answer until it gets proof", () => {
      const out = runScript("denied", ["6 000", "0 503", "0 403"]);
      assert.strictEqual(out.status, 0, out.stdout);
      assert.strictEqual(out.calls.length, 3);
    });
  });

  describe("must be allowed", () => {
    it("passes on the first 200", () => {
      const out = runScript("allowed", ["0 403", "0 503", "0 200"]);
      assert.strictEqual(out.status, 0, out.stdout);
      assert.strictEqual(out.calls.length, 3);
    });

    it("fails when no try answers 200, with the last answer", () => {
      const out = runScript("allowed", ["0 403"]);
      assert.strictEqual(out.status, 1, out.stdout);
      assert.ok(out.stdout.includes(`FAIL: expected ${URL} to answer 200; last: curl exit 0, HTTP 403`), out.stdout);
      assert.strictEqual(out.calls.length, CHECK_TRIES);
    });

    it("does not take a failed curl that printed 200 for a 200", () => {
      const out = runScript("allowed", ["28 200"]);
      assert.strictEqual(out.status, 1, out.stdout);
    });
  });

  describe("retry budget", () => {
    it("calls the URL with a bounded time per try and pauses between tries, not after the last", () => {
      const out = runScript("allowed", ["7 000"]);
      assert.strictEqual(out.calls.length, CHECK_TRIES);
      for (const call of out.calls)
        assert.ok(call.includes(`--max-time ${CURL_MAX_SECONDS}`) && call.endsWith(URL), call);
      assert.deepStrictEqual(out.sleeps, Array(CHECK_TRIES - 1).fill(String(PAUSE_SECONDS)));
    });

    it("fits inside the Job's activeDeadlineSeconds, with a minute left to start the pod", () => {
      const job = verifyJobManifest(stackSettings("cluster-1"), {
        name: "verify",
        namespace: "finance",
        url: URL,
        expect: "allowed",
      });
      const deadline = (job.spec as { activeDeadlineSeconds: number }).activeDeadlineSeconds;
      const worstCase = CHECK_TRIES * CURL_MAX_SECONDS + (CHECK_TRIES - 1) * PAUSE_SECONDS;
      assert.strictEqual(worstCase, 235);
      assert.strictEqual(deadline, 300);
      assert.ok(deadline - worstCase >= 60);
    });
  });
});

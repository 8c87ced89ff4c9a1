import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CHECK_DEADLINE_SECONDS, CHECK_TRIES, CURL_MAX_SECONDS, PAUSE_SECONDS } from "../components/verify-job-spec";

// docs/safety.md states the policy checks' retry budget; it must be the one the Jobs really have.
describe("docs/safety.md figures", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, "..", "docs", "safety.md"), "utf8").replace(/\s+/g, " ");

  it("states the policy checks' real retry budget and deadline", () => {
    const worst = CHECK_TRIES * CURL_MAX_SECONDS + (CHECK_TRIES - 1) * PAUSE_SECONDS;
    const text =
      `try up to ${CHECK_TRIES} times, ${PAUSE_SECONDS} s apart, each call limited to ${CURL_MAX_SECONDS} s: at most ${worst} s, ` +
      `inside the Job's \`activeDeadlineSeconds\` of ${CHECK_DEADLINE_SECONDS} s`;
    assert.ok(readme.includes(text), `README does not say: ${text}`);
  });
});

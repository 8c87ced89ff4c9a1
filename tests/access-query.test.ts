import * as assert from "assert";
import { AccessEvaluator } from "../access/evaluate";
import { AccessInputError } from "../access/load";
import { readMesh } from "../access/model";
import { parseQuery } from "../access/query";
import { basics, Obj, policy } from "./support/access-mesh";

// `--query` callers from a namespace the manifests do not hold: asked about when a policy names them (by namespace,
// principal or service account, in `from` or `when`, or by a pattern that may match), refused otherwise (a typo).
const evaluatorWith = (source: Obj) =>
  new AccessEvaluator(readMesh([...basics(), policy("api", "p", { rules: [{ from: [{ source }] }] })]));
const ask = (source: Obj, caller: string) => parseQuery(`${caller} -> api.api:80`, evaluatorWith(source));

describe("access --query: a caller the manifests do not run", () => {
  it("is judged, in the ambient mesh, when a policy names its namespace, principal or account, or a pattern may", () => {
    for (const source of [
      { namespaces: ["ops"] },
      { notNamespaces: ["ops"] },
      { principals: ["cluster.local/ns/ops/sa/cron"] },
      { serviceAccounts: ["ops/cron"] },
      { namespaces: ["o*"] },
    ]) {
      const q = ask(source, "ops/cron");
      assert.strictEqual(q.caller.inMesh, true, JSON.stringify(source));
      assert.match(q.assumed ?? "", /namespace ops is not in the manifests/, JSON.stringify(source));
    }
  });

  it("is refused when no policy names it: likely a typo", () => {
    for (const source of [
      { namespaces: ["web"] },
      { principals: ["cluster.local/ns/opsx/sa/cron"] },
      { serviceAccounts: ["cron"] },
    ])
      assert.throws(
        () => ask(source, "ops/cron"),
        (e: unknown) => e instanceof AccessInputError && /no policy names it/.test(e.message),
        JSON.stringify(source),
      );
  });

  it("says nothing about a caller whose namespace the manifests hold", () => {
    assert.strictEqual(ask({ namespaces: ["web"] }, "web/other").assumed, undefined);
  });
});

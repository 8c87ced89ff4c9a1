import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import { PROBE_NAMESPACE } from "../config/app-rules";
import { MeshSettings } from "../config/schema";
import { PART_OF, revisionLabel } from "../plan/specs/marks";
import { containerSecurityContext, podSecurityContext, RESOURCES } from "../plan/specs/workload";
import { Named } from "../plan/types";

// The probe namespace's name is config's: a tenant may not take it (config/app-rules.ts).
export { PROBE_NAMESPACE };

export function probeNamespaceManifest(settings: Pick<MeshSettings, "istioRevision">): Named<INamespace> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: PROBE_NAMESPACE,
      labels: {
        ...PART_OF,
        "istio.io/dataplane-mode": "ambient",
        ...revisionLabel(settings),
        // Only the check's own Jobs run here, and they meet restricted.
        "pod-security.kubernetes.io/enforce": "restricted",
      },
    },
  };
}

export type Expectation = "allowed" | "denied";

/** The retry budget of a check: tries, each at most CURL_MAX_SECONDS, PAUSE_SECONDS apart. */
export const CHECK_TRIES = 24;
export const CURL_MAX_SECONDS = 5;
export const PAUSE_SECONDS = 5;
/** Left for scheduling the pod and pulling the image: activeDeadlineSeconds counts from the Job's start. */
export const STARTUP_ALLOWANCE_SECONDS = 60;
/** The Job's deadline: the whole retry budget (24 x 10 s = 240 s) plus the startup allowance. */
export const CHECK_DEADLINE_SECONDS = CHECK_TRIES * (CURL_MAX_SECONDS + PAUSE_SECONDS) + STARTUP_ALLOWANCE_SECONDS;

/**
 * The check's shell; its exit code is the verdict Pulumi waits for. Both kinds retry while policies reach
 * ztunnel and the waypoint. `allowed` passes on the first 200. `denied` passes only on proof of a refusal:
 * a 403 (the waypoint's RBAC denial) or curl exit 56, a connection reset (ztunnel's L4 denial); it fails on
 * a 200. Anything else (curl 6 DNS failure, 7 no connection, 28 timeout, a 404, a 503...) proves nothing and,
 * if the budget ends on it, fails the Job as inconclusive.
 */
export function checkScript(url: string, expect: Expectation): string {
  const call = `code=$(curl -sS -o /dev/null --max-time ${CURL_MAX_SECONDS} -w '%{http_code}' ${url}); rc=$?; echo "try $i: curl exit $rc, HTTP $code"`;
  const loop = (body: string, end: string) =>
    `i=1; while [ $i -le ${CHECK_TRIES} ]; do ${call}; ${body}; i=$((i+1)); [ $i -le ${CHECK_TRIES} ] && sleep ${PAUSE_SECONDS}; done; ${end}`;
  if (expect === "allowed") {
    return loop(
      `[ $rc = 0 ] && [ "$code" = 200 ] && exit 0`,
      `echo "FAIL: expected ${url} to answer 200; last: curl exit $rc, HTTP $code"; exit 1`,
    );
  }
  return loop(
    `if [ $rc = 0 ] && [ "$code" = 403 ]; then echo "PASS: refused by the waypoint (403)"; exit 0; fi; ` +
      `if [ $rc = 56 ]; then echo "PASS: connection reset (ztunnel)"; exit 0; fi; ` +
      `if [ $rc = 0 ] && [ "$code" = 200 ]; then echo "FAIL: expected ${url} to be refused, it answered 200"; exit 1; fi`,
    `echo "FAIL: inconclusive: no 403 and no connection reset from ${url} in ${CHECK_TRIES} tries; last: curl exit $rc, HTTP $code (a DNS failure, a timeout, a 404 or a 503 proves nothing about the policy)"; exit 1`,
  );
}

export interface VerifyJob {
  readonly name: string;
  readonly namespace: string;
  readonly url: string;
  readonly expect: Expectation;
}

/** A one-shot Job meeting Pod Security restricted; Kubernetes deletes it ten minutes after it finishes. */
export function verifyJobManifest(settings: MeshSettings, job: VerifyJob): Named<IJob> {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: job.name, namespace: job.namespace, labels: { ...PART_OF, "mesh-lab/check": job.expect } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: CHECK_DEADLINE_SECONDS,
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels: { ...PART_OF, "mesh-lab/check": job.expect } },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          containers: [
            {
              name: "check",
              image: settings.verifyImage,
              command: ["/bin/sh", "-c", checkScript(job.url, job.expect)],
              securityContext: containerSecurityContext(),
              resources: RESOURCES,
            },
          ],
        },
      },
    },
  };
}

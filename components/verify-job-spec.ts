import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import { MeshSettings } from "../config/schema";
import { PART_OF } from "../plan/specs/marks";
import { containerSecurityContext, podSecurityContext, RESOURCES } from "../plan/specs/workload";
import { Named } from "../plan/types";

/** The namespace the policy check creates to call from: enrolled in the mesh, allowed by no app. */
export const PROBE_NAMESPACE = "mesh-lab-probe";

export function probeNamespaceManifest(): Named<INamespace> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: PROBE_NAMESPACE,
      labels: {
        ...PART_OF,
        "istio.io/dataplane-mode": "ambient",
        // Only the check's own Jobs run here, and they meet restricted.
        "pod-security.kubernetes.io/enforce": "restricted",
      },
    },
  };
}

export type Expectation = "allowed" | "denied";

/**
 * The check's shell: `allowed` retries until one 200 (policies take a few seconds to reach ztunnel and the
 * waypoint), `denied` fails on any 200 over a few tries. The exit code is the verdict Pulumi waits for.
 */
export function checkScript(url: string, expect: Expectation): string {
  const call = `code=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' ${url} || true)`;
  if (expect === "allowed") {
    return `for i in $(seq 1 24); do ${call}; echo "try $i: $code"; [ "$code" = 200 ] && exit 0; sleep 5; done; echo "expected ${url} to answer 200"; exit 1`;
  }
  return `for i in 1 2 3; do ${call}; echo "try $i: $code"; [ "$code" = 200 ] && { echo "expected ${url} to be refused"; exit 1; }; sleep 5; done; exit 0`;
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
      activeDeadlineSeconds: 180,
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

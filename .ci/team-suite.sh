#!/usr/bin/env bash
# The test suite on another team's project, as docs/deploying.md ("Your own clusters and services") promises: in a
# copy of this checkout's tracked files, every stack file removed and the apps replaced by two stacks and three
# apps of a made-up team, the tree rendered, then `npm test` with no test edited. In this repository that swaps out
# the workshop's sample; in a team's clone, the team's own config: either way no test may depend on it. Uses this
# checkout's node_modules (run after `npm ci`); leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || { echo "team-suite: run npm ci first (no node_modules/)" >&2; exit 2; }
team=$(mktemp -d "${TMPDIR:-/tmp}/mesh-lab-team-suite-XXXXXX")
trap 'rm -rf "$team"' EXIT
# mktemp makes it 0700; a clone is readable by others, and one test renders as an unprivileged user.
chmod 755 "$team"
# The files of the checkout as they are (a file deleted and not yet committed is left out, a new one taken), not
# what Git ignores.
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done |
  xargs -0 cp --parents -t "$team"
ln -s "$PWD/node_modules" "$team/node_modules"
cd "$team"

find . -maxdepth 1 \( -name 'Pulumi.*.yaml' -o -name 'Pulumi.*.yml' \) -delete
cat > Pulumi.prod-eu.yaml <<'EOF'
config:
  mesh-lab:kubeContext: prod-eu
  mesh-lab:clusterName: prod-eu
  mesh-lab:network: network-eu
  mesh-lab:gitopsRepoUrl: https://github.com/acme/mesh-config.git
EOF
cat > Pulumi.prod-us.yaml <<'EOF'
config:
  mesh-lab:kubeContext: prod-us
  mesh-lab:clusterName: prod-us
  mesh-lab:network: network-us
  mesh-lab:gitopsRepoUrl: https://github.com/acme/mesh-config.git
  mesh-lab:gitopsEngines: [flux]
EOF
# The team's apps replace the sample's as the default of mesh-lab:apps in Pulumi.yaml; one runs on prod-eu only.
node -e '
const fs = require("fs");
const { parseDocument } = require("yaml");
const doc = parseDocument(fs.readFileSync("Pulumi.yaml", "utf8"));
doc.deleteIn(["config", "apps", "value"]);
doc.setIn(["config", "apps", "default"], doc.createNode([
  { name: "ledger", image: "hashicorp/http-echo:1.0", args: ["-text=ledger", "-listen=:8080"], port: 8080,
    stacks: ["prod-eu"], allowFrom: ["payments"] },
  { name: "payments", image: "hashicorp/http-echo:1.0", args: ["-text=payments", "-listen=:8080"], port: 8080,
    waypoint: true, allowFrom: ["checkout"] },
  { name: "checkout", image: "curlimages/curl:8.11.1", calls: ["payments"] },
]));
fs.writeFileSync("Pulumi.yaml", doc.toString());
'
npm run render
npm test

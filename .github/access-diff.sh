#!/usr/bin/env bash
# The access changes of one stack between a pull request's base commit and the working tree, as Markdown: the
# preview workflow comments it next to Pulumi's resource diff. Run from the repository root:
#   bash .github/access-diff.sh STACK BASE_SHA
# A stack the base does not have is compared with no manifests (every pair it allows is new); tests run this on
# real git histories (tests/access-diff-workflow.test.ts).
set -euo pipefail
stack="$1"
base="$2"
project="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
before=/dev/null
if git archive "$base" gitops 2>/dev/null | tar -x -C "$tmp" 2>/dev/null && [ -d "$tmp/gitops/clusters/$stack" ]; then
  before="$tmp/gitops/clusters/$stack"
fi
after=/dev/null
[ -d "gitops/clusters/$stack" ] && after="gitops/clusters/$stack"
changes="$(npm --prefix "$project" run -s access -- --diff "$before" "$after")"
echo "### Access changes on \`$stack\`"
echo
echo "Who may call whom, before and after this pull request, as ztunnel and the waypoints decide it (\`npm run access\`, docs/access.md):"
echo
echo '```'
echo "$changes"
echo '```'

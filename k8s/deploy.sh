#!/usr/bin/env bash
# Deploy an overlay in the order that keeps every version served against its schema:
#   1. namespace, configuration and network policies;
#   2. the migration Jobs (the newest image of each service), waited for;
#   3. Services, Deployments, HPAs, PDBs, the gateway and the Ingress; roll-outs waited for.
# Usage: k8s/deploy.sh dev|prod [--dry-run]   (RENDER=python uses k8s/kustomize.py)
set -euo pipefail
env="${1:?usage: k8s/deploy.sh dev|prod [--dry-run]}"
dry=()
[[ "${2:-}" == "--dry-run" ]] && dry=(--dry-run=server)
here="$(cd "$(dirname "$0")" && pwd)"
ns=pamtalk
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

if [[ "${RENDER:-kubectl}" == python ]]; then
  (cd "$here/.." && python -m k8s.kustomize "k8s/overlays/$env") >"$out"
else
  kubectl kustomize "$here/overlays/$env" >"$out"
fi

for s in "$here"/secrets/*.template.yaml; do
  name="$(basename "$s" .template.yaml)"
  if [[ ${#dry[@]} -eq 0 ]] && ! kubectl get secret -n "$ns" "$name" >/dev/null 2>&1; then
    echo "Secret $ns/$name is missing: create it from $s first (docs/kubernetes.md)" >&2
    exit 1
  fi
done

echo "== 1/3 namespace, configuration, network policies"
kubectl apply "${dry[@]}" -f "$out" -l 'app.kubernetes.io/component notin (api,gateway,migration)'

echo "== 2/3 migrations"
if [[ ${#dry[@]} -eq 0 ]]; then
  kubectl delete job -n "$ns" -l app.kubernetes.io/component=migration --ignore-not-found --wait=true
fi
kubectl apply "${dry[@]}" -f "$out" -l app.kubernetes.io/component=migration
if [[ ${#dry[@]} -eq 0 ]]; then
  kubectl wait -n "$ns" --for=condition=complete job -l app.kubernetes.io/component=migration --timeout=600s
fi

echo "== 3/3 services and gateway"
kubectl apply "${dry[@]}" -f "$out" -l 'app.kubernetes.io/component in (api,gateway)'
if [[ ${#dry[@]} -eq 0 ]]; then
  for d in $(kubectl get deploy -n "$ns" -o name); do
    kubectl rollout status -n "$ns" "$d" --timeout=600s
  done
fi
echo "deployed $env"

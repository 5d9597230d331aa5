// Rule: once releases.yaml exists, a service Debian does not package must be pinned in it, else its VM gets no application (a container image: a warning).
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';

export const releaseNotPinned = modelRule('release-not-pinned', ({ inventory, services }, { files }) => {
  const report = reporter();
  // An organisation without releases.yaml installs nothing from upstream yet (the fixtures, a try-out); once
  // the file exists, every such service on a VM must be pinned in it.
  if (!files.has('releases')) return [];
  const reported = new Set<string>();
  for (const i of services.instances) {
    if (!i.def.release || inventory.releases[i.kind] || reported.has(i.kind)) continue;
    reported.add(i.kind);
    report.error(
      'vms',
      ['vms', i.vmIndex, 'services', i.index, 'kind'],
      `${i.kind} is not packaged in Debian and runs from an upstream release, but inventory/releases.yaml pins none; expected releases.${i.kind} with version, url and sha256 (docs/services.md, "Releases from upstream")`,
    );
  }
  // Likewise for container images, once releases.yaml pins any (their digests come from a registry this
  // repository's tooling cannot reach, so an organisation may start without them).
  const pinsImages = Object.keys(inventory.containers ?? {}).length > 0;
  for (const i of services.instances) {
    if (!pinsImages || !i.def.container || inventory.containers?.[i.kind] || reported.has(i.kind)) continue;
    reported.add(i.kind);
    // A warning: no image digest can be checked from here, and the rest of the VM converges without it.
    report.warning(
      'vms',
      ['vms', i.vmIndex, 'services', i.index, 'kind'],
      `${i.kind} runs from a container image, but inventory/releases.yaml pins none, so its VM gets Podman and no ${i.kind}; expected containers.${i.kind} with version and image (registry/repository@sha256:..., docs/services.md)`,
    );
  }
  return report.findings;
});

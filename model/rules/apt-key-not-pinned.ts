// Rule: once releases.yaml exists, a service from an upstream apt repository needs that repository's signing key pinned by fingerprint, else its VM refuses the key and installs nothing.
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';

export const aptKeyNotPinned = modelRule('apt-key-not-pinned', ({ inventory, services }, { files }) => {
  const report = reporter();
  // Like releases: an organisation without releases.yaml sets up no upstream repository it could trust yet.
  if (!files.has('releases')) return [];
  const reported = new Set<string>();
  for (const i of services.instances) {
    const repo = i.def.upstream;
    if (!repo || inventory.aptKeys?.[repo.id] || reported.has(repo.id)) continue;
    reported.add(repo.id);
    report.error(
      'vms',
      ['vms', i.vmIndex, 'services', i.index, 'kind'],
      `${i.kind} comes from the upstream apt repository ${repo.id}, whose signing key inventory/releases.yaml does not pin; expected repositories.${repo.id}.fingerprint (40 hex digits, checked against the key from ${repo.keyUrl})`,
    );
  }
  return report.findings;
});

// A VM's own name and a web name get their addresses from the inventory (the VM's NICs, the proxies): an
// A or AAAA on them in dns.yaml would send part of their traffic elsewhere (a web name's joins the proxies').
import { zoneRule } from './rule.ts';
import { atOrigin } from '../../dns/lookups.ts';

export const derivedNameOverridden = zoneRule('derived-name-overridden', ({ dns: model }) => {
  const derived = new Map<string, string>();
  for (const a of model.addresses) derived.set(a.name, `the name of VM ${a.vm}`);
  for (const w of model.webNames)
    if (!derived.has(w.name)) derived.set(w.name, `a web name of ${w.origin.what}`);
  return model.entries
    .filter((e) => e.origin.file === 'dns' && (e.type === 'A' || e.type === 'AAAA') && derived.has(e.name))
    .map((e) => ({
      origin: e.origin,
      message: `${e.type} ${e.value} on ${e.name}, which is ${derived.get(e.name)}, whose addresses the inventory derives; expected no ${e.type} record for it in dns.yaml (change the VM's NICs or the service instead)`,
    }))
    .map(atOrigin);
});

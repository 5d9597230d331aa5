// The cases of ssh-selector-matches-nothing, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a VM and a tag nobody has',
    fixture: ['inventory/base', 'members'],
    edit: {
      'roles.yaml': (t) =>
        t.replace('ssh: { vms: [git, runner] }', 'ssh: { vms: [git, runer], tags: [web] }'),
    },
    findings: [
      'roles.yaml:13:38  roles[1].ssh.tags[0]  no VM is tagged "web", so this grant matches nothing; expected a value used in vms.yaml',
      'roles.yaml:13:23  roles[1].ssh.vms[1]  there is no VM "runer", so this grant matches nothing; did you mean "runner"?',
    ],
  },
  {
    name: 'a selector that selects nothing',
    fixture: ['inventory/base', 'members'],
    edit: { 'roles.yaml': (t) => t.replace('ssh: { vms: [git, runner] }', 'ssh: {}') },
    findings: [
      'roles.yaml:13:10  roles[1].ssh  selects no VM; expected "all" or at least one of sites, tags, services, vms (or no ssh field)',
    ],
  },
];

// apt-cacher-ng: a caching proxy for Debian packages, for the VMs and test machines that opt in.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const aptCache = defineKind({
  kind: 'apt-cache',
  title: 'apt-cacher-ng (Debian package cache)',
  notes:
    'Debian package apt-cacher-ng. The baseline does not route upgrades through it, so a dead cache never ' +
    'stops security updates.',
  size: { cores: 2, memory: 4, disk: 32 },
  ports: [{ proto: 'tcp', port: portRange(3142), reach: 'org', purpose: 'apt-cacher-ng for our networks' }],
  params: [],
  backup: { paths: ['/etc/apt-cacher-ng'] },
  packages: ['apt-cacher-ng'],
  units: ['apt-cacher-ng'],
  dependsOn: [],
});

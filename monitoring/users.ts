// Icinga2 users for the on-call members (roles with `oncall: true`) and the notification rules that reach them
// by e-mail, through the notification scripts Debian's icinga2 package installs.
import type { Inventory } from '../inventory/inventory.ts';
import { accessModel } from '../members/access.ts';

export const ONCALL_GROUP = 'oncall';

/** An Icinga string literal; `$` is doubled so member data is never read as a runtime macro. */
function q(text: string): string {
  return JSON.stringify(text).replaceAll('$', '$$$$');
}

function block(head: string, body: readonly string[]): string {
  return `${head} {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n`;
}

/** Arguments of /etc/icinga2/scripts/mail-*-notification.sh; these macros are Icinga's own, so unquoted by q(). */
const HOST_ARGS = [
  '"-d" = "$icinga.long_date_time$"',
  '"-l" = "$host.name$"',
  '"-n" = "$host.display_name$"',
  '"-o" = "$host.output$"',
  '"-r" = "$user.email$"',
  '"-s" = "$host.state$"',
  '"-t" = "$notification.type$"',
];
const SERVICE_ARGS = [...HOST_ARGS, '"-e" = "$service.name$"', '"-u" = "$service.display_name$"'];

/** `users.conf`, or undefined when nobody is on call (then nothing notifies, as before members existed). */
export function renderUsers(inventory: Inventory): string | undefined {
  const oncall = accessModel(inventory).filter((a) => a.oncall);
  if (oncall.length === 0) return undefined;
  const byUser = new Map(inventory.members.map((m) => [m.user, m]));
  const users = oncall.map((a) => {
    const m = byUser.get(a.user)!;
    return block(`object User ${q(m.user)}`, [
      `display_name = ${q(m.name)}`,
      `email = ${q(m.email)}`,
      `groups = [ ${q(ONCALL_GROUP)} ]`,
      ...(m.matrix ? [`vars.matrix = ${q(m.matrix)}`] : []),
      'states = [ Up, Down, OK, Warning, Critical, Unknown ]',
      'types = [ Problem, Recovery, Acknowledgement ]',
    ]);
  });
  const command = (name: string, script: string, args: readonly string[]): string =>
    block(`object NotificationCommand ${q(name)}`, [
      `command = [ ConfigDir + "/scripts/${script}" ]`,
      'arguments = {',
      ...args.map((a) => `  ${a}`),
      '}',
    ]);
  const notification = (kind: 'Host' | 'Service', name: string, cmd: string): string =>
    block(`apply Notification ${q(name)} to ${kind}`, [
      `command = ${q(cmd)}`,
      `user_groups = [ ${q(ONCALL_GROUP)} ]`,
      'interval = 2h',
      'assign where true',
    ]);
  return [
    block(`object UserGroup ${q(ONCALL_GROUP)}`, ['display_name = "On call (roles with oncall: true)"']),
    ...users,
    command('oncall-host-mail', 'mail-host-notification.sh', HOST_ARGS),
    command('oncall-service-mail', 'mail-service-notification.sh', SERVICE_ARGS),
    notification('Host', 'oncall-host', 'oncall-host-mail'),
    notification('Service', 'oncall-service', 'oncall-service-mail'),
  ].join('\n');
}

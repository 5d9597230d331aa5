// A part of the baseline: the packages, users, files and commands one concern adds to a VM's cloud-config.
import type { WriteFile } from '../services/types.ts';

export interface CloudUser {
  readonly name: string;
  readonly gecos?: string;
  readonly groups?: readonly string[];
  readonly shell: string;
  readonly homedir?: string;
  readonly system?: boolean;
  readonly sudo?: string;
  readonly lock_passwd: true;
  readonly ssh_authorized_keys?: readonly string[];
}

export type Command = readonly string[];

export interface Part {
  /** What the part is for, listed in the header comment of the cloud-config. */
  readonly name: string;
  readonly packages?: readonly string[];
  readonly groups?: readonly string[];
  readonly users?: readonly CloudUser[];
  readonly files?: readonly WriteFile[];
  /** Commands for the end of first boot, after every package is installed; run in part order. */
  readonly runcmd?: readonly Command[];
}

/** A shell one-liner as a runcmd entry (for redirections and `||`). */
export function sh(script: string): Command {
  return ['sh', '-c', script];
}

export const GENERATED_NOTE =
  'Generated from the inventory by baseline/ (infra repository); local edits are overwritten.';

/** A file with a first-line comment saying where it comes from, in the comment syntax of its format. */
export function generated(comment: '#' | '//', text: string): string {
  return `${comment} ${GENERATED_NOTE}\n${text}`;
}

// Hostile and careless input: every refusal is one located line, quotes at most 80 characters of the value,
// and never prints a secret, a private key or the content of a file outside the inventory.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compiled } from './helpers/cli.ts';
import { check, findingsOf, removeVariants, variantDir } from './helpers/variant.ts';

afterAll(removeVariants);

// The command behind `npm run check`.
const CHECK = [compiled('cli/check.ts')];
const VM0 = 'vms.yaml:16:12  vms[0].notes  ';

describe('grammars for fields that reach another language', () => {
  it('refuses a firewall comment that would close the nftables string and add a rule', () => {
    expect(
      check([
        {
          file: 'vms.yaml',
          path: ['vms', 0, 'extra_ports'],
          value: [{ port: 8080, comment: '" ; tcp dport 1-65535 accept ; #' }],
        },
      ]),
    ).toEqual([
      'vms.yaml:18:18  vms[0].extra_ports[0].comment  "\\" ; tcp dport 1-65535 accept ; #" has a quote, backslash or control character; expected plain words such as "XMPP file transfer proxy"',
    ]);
  });

  it('refuses quotes and ";" in keys_url, which reaches a file on every VM', () => {
    expect(
      check([
        {
          file: 'org.yaml',
          path: ['ssh', 'keys_url'],
          value: "https://id.example.org/{user}'; touch /tmp/x; '",
        },
      ]),
    ).toEqual([
      `org.yaml:13:13  ssh.keys_url  "https://id.example.org/{user}'; touch /tmp/x; '" has a character a URL must not hold here (a quote, "$", ";", space or control character); expected a plain https:// URL`,
    ]);
  });

  it('refuses a user name in an https URL and a URL without {user}', () => {
    expect(
      check([{ file: 'org.yaml', path: ['ssh', 'keys_url'], value: 'https://me@id.example.org/{user}' }]),
    ).toEqual([
      'org.yaml:13:13  ssh.keys_url  "https://me@id.example.org/{user}" has a user name in it; expected no user or password in an https:// URL',
    ]);
    expect(
      check([{ file: 'org.yaml', path: ['ssh', 'keys_url'], value: 'https://id.example.org/keys' }]),
    ).toEqual([
      'org.yaml:13:13  ssh.keys_url  "https://id.example.org/keys" has no {user}; expected a URL such as https://accounts.example.org/ssh/{user}.keys',
    ]);
  });

  it('refuses a backup schedule that is not a calendar event, and takes the ones Proxmox takes', () => {
    const at = 'clusters.yaml:34:42  clusters[0].backup.schedule  ';
    expect(
      check([
        {
          file: 'clusters.yaml',
          path: ['clusters', 0, 'backup', 'schedule'],
          value: '${file("/etc/passwd")}',
        },
      ]),
    ).toEqual([
      `${at}"\${file(\\"/etc/passwd\\")}" is not a calendar event; expected something like "*-*-* 02:30", "sun 01:00" or "daily"`,
    ]);
    for (const ok of [
      '*-*-* 02:30',
      'sun 01:00',
      'mon..fri 22:00',
      'daily',
      '*-*-1 03:15:00',
      'sat,sun 4:00',
    ])
      expect(
        check([{ file: 'clusters.yaml', path: ['clusters', 0, 'backup', 'schedule'], value: ok }]),
        ok,
      ).toEqual([]);
  });

  it('refuses a time zone the tz database does not know', () => {
    expect(check([{ file: 'org.yaml', path: ['timezone'], value: 'Mars/Olympus' }])).toEqual([
      'org.yaml:12:11  timezone  "Mars/Olympus" is not a time zone of the tz database; expected something like Europe/Berlin or Etc/UTC',
    ]);
    expect(check([{ file: 'org.yaml', path: ['timezone'], value: 'Pacific/Auckland' }])).toEqual([]);
  });

  it('refuses a line break in a location and control characters (ESC) in notes', () => {
    expect(
      check([{ file: 'sites.yaml', path: ['sites', 0, 'location'], value: 'Berlin\nobject Host "x" {}' }]),
    ).toEqual([
      'sites.yaml:3:15  sites[0].location  "Berlin\\nobject Host \\"x\\" {}" has a line break or control character; expected one line of text',
    ]);
    expect(check([{ file: 'vms.yaml', path: ['vms', 0, 'notes'], value: 'red \u001b[31m text' }])).toEqual([
      `${VM0}"red \\u001b[31m text" has a control character (only line breaks and tabs are allowed); expected plain text`,
    ]);
  });

  it('refuses notes above what Proxmox keeps, quoting 80 characters of them', () => {
    expect(check([{ file: 'vms.yaml', path: ['vms', 0, 'notes'], value: 'x'.repeat(20_000) }])).toEqual([
      `${VM0}"${'x'.repeat(80)}"… is longer than 7680 bytes; expected short notes (Proxmox keeps 8 KiB of description)`,
    ]);
  });

  it('refuses a domain label longer than 63 characters (RFC 1123)', () => {
    const long = `${'a'.repeat(64)}.example.org`;
    expect(check([{ file: 'org.yaml', path: ['domain'], value: long }])).toEqual([
      `org.yaml:3:9  domain  "${long}" is not a domain name; expected lower-case labels such as example.org (RFC 1123)`,
    ]);
  });

  it('refuses a storage id that is not one', () => {
    expect(
      check([{ file: 'vms.yaml', path: ['vms', 0, 'disks', 0, 'storage'], value: 'ceph-vm"; rm -rf /' }]),
    ).toEqual(['vms.yaml:9:25  vms[0].disks[0].storage  "ceph-vm\\"; rm -rf /" is not a Proxmox storage id']);
  });
});

describe('SSH keys parsed for real', () => {
  const ED25519 =
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH33+594P7UtwBu7C67bdC0PNyrYrWDQTSJ7isih8vGp admin@test';
  const key = (value: unknown): string[] => check([{ file: 'org.yaml', path: ['admin', 'keys'], value }]);
  const at = 'org.yaml:11:7  admin.keys[0]  ';

  it('refuses a truncated blob', () => {
    expect(key(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH33+594P7UtwBu7C67bdC0PNyrYrWDQ admin'])).toEqual([
      `${at}"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH33+594P7UtwBu7C67bdC0PNyrYrWDQ admin" has a truncated or damaged Ed25519 blob`,
    ]);
  });

  it('refuses an ssh-ed25519 label on an RSA blob', () => {
    const rsaBlob = Buffer.concat([
      wire('ssh-rsa'),
      wire(Buffer.from([1, 0, 1])),
      wire(Buffer.concat([Buffer.from([0]), Buffer.alloc(384, 0xff)])),
    ]).toString('base64');
    const [line] = key([`ssh-ed25519 ${rsaBlob} x`]);
    expect(line).toMatch(
      / says ssh-ed25519 but its blob holds a "ssh-rsa" key; expected the same type in both$/,
    );
  });

  it('refuses RSA below 3072 bits and DSA by name', () => {
    const rsa1024 = Buffer.concat([
      wire('ssh-rsa'),
      wire(Buffer.from([1, 0, 1])),
      wire(Buffer.concat([Buffer.from([0]), Buffer.alloc(128, 0xff)])),
    ]).toString('base64');
    expect(key([`ssh-rsa ${rsa1024} old`])[0]).toMatch(
      / is an RSA key of 1024 bits; expected at least 3072 \(or an Ed25519 key\)$/,
    );
    expect(key([`ssh-dss ${Buffer.concat([wire('ssh-dss'), wire('x')]).toString('base64')} old`])[0]).toMatch(
      / is a DSA \(ssh-dss\) key, which OpenSSH no longer accepts; expected an Ed25519 key$/,
    );
  });

  it('accepts security keys (sk-ssh-ed25519, sk-ecdsa-sha2-nistp256)', () => {
    const skEd = Buffer.concat([wire('sk-ssh-ed25519@openssh.com'), wire(Buffer.alloc(32, 7)), wire('ssh:')]);
    const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 9)]);
    const skEc = Buffer.concat([
      wire('sk-ecdsa-sha2-nistp256@openssh.com'),
      wire('nistp256'),
      wire(point),
      wire('ssh:'),
    ]);
    expect(
      key([
        `sk-ssh-ed25519@openssh.com ${skEd.toString('base64')} yubikey`,
        `sk-ecdsa-sha2-nistp256@openssh.com ${skEc.toString('base64')} nitrokey`,
      ]),
    ).toEqual([]);
  });

  it('refuses a pasted private key without printing any of it', () => {
    const pem = readFileSync(join('test', 'fixtures', 'review', 'bad-artifact-with-secrets.txt'), 'utf8');
    const block = /-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]*?-----END OPENSSH PRIVATE KEY-----/.exec(
      pem,
    )?.[0];
    expect(block).toBeDefined();
    const lines = key([block]);
    expect(lines).toEqual([
      `${at}holds a private key (not shown); a private key was pasted: paste the ".pub" file, and treat the key as compromised`,
    ]);
    const body = block!.split('\n')[1]!;
    expect(lines.join('\n')).not.toContain(body.slice(0, 20));
  });

  it('refuses the same key twice', () => {
    expect(key([ED25519, ED25519.replace('admin@test', 'again')])).toEqual([
      'org.yaml:12:7  admin.keys[1]  is the same key as entry 0; expected each key once',
    ]);
  });
});

/** An SSH wire-format string: 32-bit length, then the bytes. */
function wire(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

describe('secrets refused, never printed', () => {
  it('refuses a password in an ssh:// borg repository URL', () => {
    const lines = check([
      {
        file: 'org.yaml',
        path: ['backup'],
        value: { repository: 'ssh://borg:hunter2@backup.example.org/./{vm}', sources: ['2001:db8:1::/64'] },
      },
    ]);
    expect(lines).toEqual([
      'org.yaml:13:15  backup.repository  looks like it holds a secret (a password, token or credential; not shown); expected no secret in the inventory: tools read their secrets from environment variables',
    ]);
  });

  it('refuses https://user:pass@ and a secret written into notes, naming the field only', () => {
    const url = check([
      {
        file: 'clusters.yaml',
        path: ['clusters', 0, 'endpoint'],
        value: 'https://root:hunter2@pve.example.org:8006/',
      },
    ]);
    const notes = check([
      { file: 'vms.yaml', path: ['vms', 0, 'notes'], value: 'console\nroot password: hunter2\n' },
    ]);
    expect(url).toHaveLength(1);
    expect(url[0]).toMatch(/^clusters\.yaml:4:15 {2}clusters\[0\]\.endpoint {2}looks like it holds a secret/);
    expect(notes).toEqual([
      `${VM0}looks like it holds a secret (a password, token or credential; not shown); expected no secret in the inventory: tools read their secrets from environment variables`,
    ]);
    expect([...url, ...notes].join('\n')).not.toContain('hunter2');
  });
});

describe('files', () => {
  it('does not follow a symbolic link out of the inventory, and prints nothing of its target', () => {
    const dir = variantDir();
    rmSync(join(dir, 'vms.yaml'));
    symlinkSync('/etc/passwd', join(dir, 'vms.yaml'));
    const { lines } = findingsOf(dir);
    expect(lines).toEqual([
      'vms.yaml:1:1  (file)  is a symbolic link to a file outside the inventory directory; expected a file of its own',
    ]);
  });

  it('follows a symbolic link that stays inside the inventory', () => {
    const dir = variantDir();
    writeFileSync(join(dir, 'real-vms.yml.txt'), readFileSync(join(dir, 'vms.yaml')));
    rmSync(join(dir, 'vms.yaml'));
    symlinkSync('real-vms.yml.txt', join(dir, 'vms.yaml'));
    expect(findingsOf(dir).lines).toEqual([]);
  });

  it('does not quote a file that is not YAML (one long line of text)', () => {
    const dir = variantDir();
    writeFileSync(join(dir, 'sites.yaml'), 'root:x:0:0:root:/root:/bin/bash\n');
    expect(findingsOf(dir).lines).toEqual([
      'sites.yaml:1:1  (file)  holds a single value, not a mapping of fields; expected a "sites:" list',
    ]);
  });

  it('refuses binary content and an oversized file with one line each', () => {
    const dir = variantDir();
    writeFileSync(join(dir, 'sites.yaml'), Buffer.from([0x73, 0x69, 0, 0xff]));
    writeFileSync(join(dir, 'networks.yaml'), `networks: []\n# ${'x'.repeat(9 * 1024 * 1024)}\n`);
    expect(findingsOf(dir).lines).toEqual([
      'networks.yaml:1:1  (file)  is 9.0 MiB; expected at most 8 MiB per inventory file',
      'sites.yaml:1:1  (file)  is not a text file (it holds NUL bytes); expected YAML',
    ]);
  });

  it('treats an unknown YAML tag as an error, not a dropped warning', () => {
    const dir = variantDir();
    writeFileSync(
      join(dir, 'sites.yaml'),
      'sites:\n  - name: one\n    location: !!js/function "function () {}"\n  - name: two\n    location: Zurich\n',
    );
    expect(findingsOf(dir).lines).toEqual([
      'sites.yaml:3:15  sites[0].location  YAML syntax error (TAG_RESOLVE_FAILED): Unresolved tag: tag:yaml.org,2002:js/function',
    ]);
  });

  it('refuses __proto__ and constructor as keys (a service parameter is not silently ignored)', () => {
    const dir = variantDir();
    const text = readFileSync(join(dir, 'vms.yaml'), 'utf8').replace(
      '    anti_affinity: proxy\n',
      '    anti_affinity: proxy\n    services:\n      - kind: status-page\n        __proto__: { domain: evil.example.org }\n',
    );
    writeFileSync(join(dir, 'vms.yaml'), text);
    expect(findingsOf(dir).lines).toEqual([
      'vms.yaml:18:9  vms[0].services[0]  "__proto__" is not allowed as a key (it means something else to JavaScript); expected a field name',
    ]);
  });

  it('cuts every quoted value, so no line of `npm run check` is longer than 300 characters', () => {
    const huge = 'y'.repeat(1_000_000);
    const lines = check([
      { file: 'vms.yaml', path: ['vms', 0, 'tags'], value: [huge] },
      { file: 'sites.yaml', path: ['sites', 0, 'name'], value: huge },
    ]);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(300);
  });
});

describe('npm run check', () => {
  const run = (args: string[]): { status: number | null; out: string } => {
    const r = spawnSync(process.execPath, [...CHECK, ...args], { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('says in one line that --inventory names a file, not a directory', () => {
    const dir = variantDir();
    const { status, out } = run(['--inventory', join(dir, 'vms.yaml')]);
    expect(status).toBe(1);
    expect(out).toBe(
      `${join(dir, 'vms.yaml')}:1:1  (directory)  is a file, not a directory; expected the inventory directory (--inventory DIR)\n0 errors, 0 warnings\n`.replace(
        '0 errors',
        '1 error',
      ),
    );
  });

  it('never prints a private key, a URL password or a line over 300 characters', () => {
    const pem = readFileSync(join('test', 'fixtures', 'review', 'bad-artifact-with-secrets.txt'), 'utf8');
    const block = /-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]*?-----END OPENSSH PRIVATE KEY-----/.exec(
      pem,
    )![0];
    const dir = variantDir([
      { file: 'org.yaml', path: ['admin', 'keys'], value: [block] },
      {
        file: 'clusters.yaml',
        path: ['clusters', 0, 'endpoint'],
        value: 'https://root:hunter2@pve.example.org/',
      },
      { file: 'vms.yaml', path: ['vms', 0, 'notes'], value: `${'z'.repeat(500_000)}` },
      // An unknown field whose name is 5000 characters: its message quotes the key.
      { file: 'vms.yaml', path: ['vms', 1, 'k'.repeat(5000)], value: 1 },
    ]);
    const { status, out } = run(['--inventory', dir]);
    expect(status).toBe(1);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain(block.split('\n')[1]!.slice(0, 16));
    expect(out).toContain('kkkk');
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(300);
  });
});

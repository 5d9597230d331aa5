// Schema of inventory/releases.yaml: the upstream release each application not packaged in Debian runs, pinned by version, URL and checksum.
import { z } from 'zod';
import { hexDigest, sha512 } from './images.schema.ts';

/** A SHA-256 digest as `sha256sum` and the upstream's `.sha256` files print it. */
export const sha256 = hexDigest('SHA-256', 64, "the release's .sha256 file");

/** The application a release is for: the service kind that runs it (`gitea`, `nextcloud`). */
const appName = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, {
  error: 'is not an application name; expected lower-case letters, digits and dashes, as the service kind',
});

/** A release version or a commit: what the review shows and what names /opt/<app>/<version>. */
const version = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+~_-]{0,63}$/, {
  error: 'is not a version; expected letters, digits and . + ~ _ - (1.22.6, v2.1.0, or a commit)',
});

/** Where the VM downloads the artifact from: HTTPS, a fixed file, never a `latest` link. */
const artifactUrl = z
  .string()
  .regex(/^https:\/\/[^\s/]+\/[^\s?#]*[^\s/?#]$/, {
    error: 'is not a release URL; expected https://host/path/to/the-artifact (a file, no query)',
  })
  .refine((url) => !/\/latest(\/|\.|$)/.test(url), {
    error: 'names a moving "latest" link; expected the URL of one release',
  });

export const releaseSchema = z
  .strictObject({
    /** Shown in the review (`gitea 1.22.3 → 1.22.6`); the directory the release goes in. */
    version,
    /** The artifact: a single binary, or a .tar.gz / .tar.xz / .tar.bz2 / .zip archive. */
    url: artifactUrl,
    /** One of the two, from the upstream's published checksum file; the VM refuses a mismatch. */
    sha256: sha256.optional(),
    sha512: sha512.optional(),
  })
  .superRefine((release, ctx) => {
    if ((release.sha256 === undefined) === (release.sha512 === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['sha256'],
        message:
          release.sha256 === undefined
            ? 'is missing; expected sha256 or sha512 from the upstream checksum file'
            : 'is given together with sha512; expected exactly one checksum',
      });
    // The version must be in the URL: a bump that changes one and forgets the other would install the old file.
    if (!release.url.includes(release.version.replace(/^v/, '')))
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `does not contain the version ${release.version}; expected the URL of exactly that release`,
      });
  });

/**
 * A container image by registry, repository and digest (`docker.io/drone/drone@sha256:<hex>`): the digest is
 * what the VM runs, so a tag moved upstream changes nothing here; no tag, since a tag beside it would mislead.
 */
const imageReference = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]*(?::[0-9]{1,5})?\/[a-z0-9]+(?:[._/-][a-z0-9]+)*@sha256:[0-9a-f]{64}$/, {
    error:
      'is not an image pinned by digest; expected registry/repository@sha256:<64 hex digits> (docker.io/drone/drone@sha256:...)',
  });

/** A container image an application runs from (Drone), pinned by digest; the version is what the review shows. */
export const containerSchema = z.strictObject({
  /** The upstream version the digest is of, for the review (`drone-server 2.25.0 → 2.26.0`). */
  version,
  /** The image by digest: `skopeo inspect docker://docker.io/drone/drone:<version>` prints the digest. */
  image: imageReference,
});

/** The id of an upstream apt repository as the service catalog names it (`matrix-org`, `jitsi`). */
const repositoryId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, {
  error:
    'is not a repository id; expected the id the service catalog gives it (matrix-org, jitsi, collaboraonline)',
});

/** An OpenPGP v4 key fingerprint as `gpg --show-keys --with-colons` prints it (40 hex digits, no spaces). */
const fingerprint = z
  .string()
  .regex(/^[0-9A-Fa-f]{40}$/, {
    error:
      'is not an OpenPGP fingerprint; expected 40 hex digits without spaces, as gpg --show-keys prints it',
  })
  .transform((text) => text.toUpperCase());

export const aptKeyPinSchema = z.strictObject({
  /** The primary key the repository is signed with; the VM refuses a downloaded key with any other. */
  fingerprint,
});

export const releasesFileSchema = z.strictObject({
  releases: z.record(appName, releaseSchema).default({}),
  /** Container images by application (service kind), pinned by digest; run by Podman under systemd. */
  containers: z.record(appName, containerSchema).default({}),
  /** Signing keys of the upstream apt repositories (Synapse, Jitsi, Collabora), pinned by fingerprint. */
  repositories: z.record(repositoryId, aptKeyPinSchema).default({}),
});

export type Release = z.infer<typeof releaseSchema>;
export type Releases = z.infer<typeof releasesFileSchema>['releases'];
export type ContainerImage = z.infer<typeof containerSchema>;
export type Containers = z.infer<typeof releasesFileSchema>['containers'];
/** The pinned signing key of each upstream apt repository, by the catalog's repository id. */
export type AptKeyPins = z.infer<typeof releasesFileSchema>['repositories'];

/** How the artifact unpacks; a file with no archive extension is the program itself. */
export type ArtifactFormat = 'binary' | 'tar' | 'zip';

export function artifactFormat(release: Release): ArtifactFormat {
  if (/\.(?:tar\.(?:gz|xz|bz2)|tgz)$/.test(release.url)) return 'tar';
  if (release.url.endsWith('.zip')) return 'zip';
  return 'binary';
}

/** The checksum as ansible.builtin.get_url takes it: `sha256:<hex>`. */
export function checksumOf(release: Release): string {
  return release.sha256 !== undefined ? `sha256:${release.sha256}` : `sha512:${release.sha512!}`;
}

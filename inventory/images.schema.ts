// Schema of inventory/images.yaml: the Debian cloud image each release boots from, pinned by URL and SHA-512.
import { z } from 'zod';

/** The Debian releases a VM's `os` may name; `other` VMs bring their own disk. */
export const DEBIAN_RELEASES = ['debian-12', 'debian-13'] as const;
export type DebianRelease = (typeof DEBIAN_RELEASES)[number];

/**
 * A dated release URL: the image sits in a directory named after its build (`20260923-2610`) and its file
 * name carries the same build, so the URL names exactly one image. `latest/` and `daily/` move weekly.
 */
export const releaseUrl = z
  .string()
  .regex(/^https:\/\/[^\s/]+\/(?:[^\s/]+\/)*(\d{8}-\d{1,6})\/[A-Za-z0-9._+-]*\1[A-Za-z0-9._+-]*\.qcow2$/, {
    error:
      'is not a dated release URL; expected https://.../bookworm/20260923-2610/debian-12-genericcloud-amd64-20260923-2610.qcow2 (never latest/ or daily/)',
  });

/** A hexadecimal digest of `digits` lower-case digits; `source` says where a person copies it from. */
export function hexDigest(name: string, digits: number, source: string): z.ZodString {
  return z.string().superRefine((text, ctx) => {
    if (text.length === digits && /^[0-9a-f]+$/.test(text)) return;
    const problem = /[^0-9a-fA-F]/.test(text)
      ? 'has characters other than hexadecimal digits'
      : text.length !== digits
        ? `has ${text.length} hexadecimal digits`
        : 'has upper-case digits';
    ctx.addIssue({
      code: 'custom',
      message: `is not a ${name} checksum: it ${problem}; expected ${digits} lower-case hexadecimal digits, as in ${source}`,
    });
  });
}

/** A SHA-512 digest as `sha512sum` and Debian's SHA512SUMS print it. */
export const sha512 = hexDigest('SHA-512', 128, "the release's SHA512SUMS");

export const imageSchema = z.strictObject({
  /** Where Proxmox downloads the image from. */
  url: releaseUrl,
  /** Proxmox verifies the download against it and refuses a mismatch. */
  sha512,
});

export const imagesFileSchema = z.strictObject({
  images: z.strictObject({
    'debian-12': imageSchema.optional(),
    'debian-13': imageSchema.optional(),
  }),
});

export type Image = z.infer<typeof imageSchema>;
export type Images = z.infer<typeof imagesFileSchema>['images'];

/** The file name the image gets on the Proxmox storage: the URL's, dated, so two builds never collide. */
export function imageFileName(image: Image): string {
  return image.url.slice(image.url.lastIndexOf('/') + 1);
}

// Schema of inventory/sites.yaml: the data centres.
import { z } from 'zod';
import { name } from './common.ts';

export const siteSchema = z.strictObject({
  name,
  location: z.string().min(1),
  notes: z.string().optional(),
});

export const sitesFileSchema = z.strictObject({ sites: z.array(siteSchema) });

export type Site = z.infer<typeof siteSchema>;

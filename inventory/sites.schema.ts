// Schema of inventory/sites.yaml: the data centres.
import { z } from 'zod';
import { name } from './common.ts';
import { notes, title } from './grammars.ts';

export const siteSchema = z.strictObject({
  name,
  location: title(120),
  notes: notes.optional(),
});

export const sitesFileSchema = z.strictObject({ sites: z.array(siteSchema) });

export type Site = z.infer<typeof siteSchema>;

// The shape of a synthesized `cdk.tf.json`: one zod schema and its type for every reader (synth summary,
// conformance check, diff, deploy gate), so the readers cannot drift apart.
import { z } from 'zod';

const blockMap = z.record(z.string(), z.record(z.string(), z.unknown()));

/** The parts of a cdktf stack JSON the readers use; everything else is kept as it is. */
export const stackJsonSchema = z
  .object({
    resource: blockMap.optional(),
    data: blockMap.optional(),
    provider: z.record(z.string(), z.unknown()).optional(),
    terraform: z.record(z.string(), z.unknown()).optional(),
    output: z.record(z.string(), z.unknown()).optional(),
    variable: z.record(z.string(), z.unknown()).optional(),
    locals: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export type StackJson = z.infer<typeof stackJsonSchema>;

// Entry point for the cdktf CLI (`cdktf synth|plan|deploy`): the same synth as `npm run synth`, into the
// directory the CLI names.
import { synthOrExit } from './cli/synth-run.ts';

// The cdktf CLI tells the app where to write through CDKTF_OUTDIR.
await synthOrExit(
  process.env.INFRA_INVENTORY ?? 'inventory',
  process.env.CDKTF_OUTDIR ?? 'cdktf.out',
  process.env,
);

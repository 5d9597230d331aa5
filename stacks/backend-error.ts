// The error a bad backend setting raises, apart from stacks/backend.ts so that a process that only reports
// it (the synth's parent, which leaves cdktf to its child) need not load cdktf.

/** INFRA_BACKEND or one of its settings is wrong: synth writes nothing and says why. */
export class BackendConfigError extends Error {}

/** The exit code of a synth child that stopped on a BackendConfigError (its message on stderr). */
export const BACKEND_CONFIG_EXIT = 3;

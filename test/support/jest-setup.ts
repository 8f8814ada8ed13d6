import fc from 'fast-check';

// Property tests explore the same inputs on every run, so CI is deterministic;
// FC_SEED=<n> explores others locally (a failure prints its seed to replay).
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261127) });

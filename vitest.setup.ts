import fc from 'fast-check';

// Property tests run from a fixed seed so that a CI run is reproducible. `FC_SEED=random pnpm test`
// explores new cases (and prints the seed of any failure); `FC_SEED=N` replays one.
const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261123 : Number(seed) });

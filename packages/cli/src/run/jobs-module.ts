import { siblingModule } from '../parallel/job-module.js';

/** The module of the run's worker jobs (`jobs.ts` from the sources, `jobs.js` from dist). */
export function jobsModule(): URL {
  return siblingModule(import.meta.url, 'jobs');
}

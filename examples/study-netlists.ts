import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The folders of the two example studies. */
export const STUDIES = ['nary-mtj', 'device-compare'];

/** Every netlist of the studies, as `study/file.xbar`. */
export function studyNetlists(): string[] {
  return STUDIES.flatMap((study) =>
    readdirSync(join(import.meta.dirname, study))
      .filter((name) => name.endsWith('.xbar') && !name.startsWith('.'))
      .map((name) => `${study}/${name}`),
  );
}

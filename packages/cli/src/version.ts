/** The version of the xbar CLI (kept equal to packages/cli/package.json by a test). */
export const XBAR_VERSION = '0.1.0';

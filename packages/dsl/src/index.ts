/**
 * @xbar/dsl: the `.xbar` netlist language. Parse (`parseNetlist`), check against a device registry
 * into a typed `Design` (`checkNetlistFile`, `checkNetlistText`), render diagnostics
 * (`renderDiagnostics`) and print the canonical form (`formatNetlist`). See docs/language.md.
 */
export type * from './ast.js';
export { type Diagnostic, type Severity, type SourceTexts, MAX_DIAGNOSTICS, renderDiagnostic, renderDiagnostics } from './diagnostics.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export { parseEngineeringNumber, formatNumber, type EngineeringNumber } from './lex/numbers.js';
export { unitLettersProblem } from './semantic/unit-letters.js';
export { parseNetlist, type ParseResult } from './parse/parse.js';
export { type SourceHost, MemorySourceHost } from './host/source-host.js';
export { NodeSourceHost } from './host/node-host.js';
export { checkNetlistFile, checkNetlistText, type CheckOptions, type CheckResult } from './semantic/check.js';
export type * from './semantic/design.js';
export { DEFAULT_OPTIONS } from './semantic/design.js';
export { CARD_KEYWORDS } from './semantic/cards.js';
export { FUNCTIONS, CONSTANTS } from './semantic/expressions.js';
export { type OptionSpec, describeNumberRange } from './semantic/options.js';
export { arrayOptionSpecs } from './semantic/arrays.js';
export { analysisOptionSpecs, SIMULATION_OPTIONS } from './semantic/analyses.js';
export { LAYER_OPTIONS, MAP_OPTIONS, NETWORK_OPTIONS } from './semantic/networks.js';
export { editDistance, nearestMatch } from './suggest.js';
export { formatNetlist, type FormatResult } from './format/format.js';

/**
 * Typical mistakes, each a small netlist (`main.xbar`, plus other in-memory files) whose rendered
 * diagnostics are stored in golden/diagnostics.golden. Shared definitions keep the cases short.
 */
export interface GoldenCase {
  readonly name: string;
  readonly text: string;
  readonly files?: Readonly<Record<string, string>>;
}

const MODEL = '.model r1 gaussian (gmax=100u)\n';
const ARRAY = `${MODEL}.array xb rows=4 cols=4 model=r1\n`;
const DATA = `${ARRAY}.weights W [[1 2] [3 4]]\n.inputs X [[1 0] [0 1]]\n`;

export const GOLDEN_CASES: readonly GoldenCase[] = [
  { name: 'misspelled card keyword', text: '.parm a=1\n' },
  { name: 'SPICE element line', text: '.param r=1k\nR1 in out {r}\n' },
  { name: 'continuation with nothing before it', text: '+ gmax=1u\n.param a=1\n' },
  { name: 'unterminated string', text: '.include "models.inc\n' },
  { name: 'unbalanced parenthesis in an expression', text: '.param b=1 a={2*(b+1}\n' },
  { name: 'arithmetic without braces', text: '.param b=2 a=2*b\n' },
  { name: 'unknown parameter with a near match', text: '.param gon=100u\n.param goff={gn/100}\n' },
  { name: 'unknown function', text: '.param a={sqroot(2)}\n' },
  { name: 'wrong number of arguments', text: '.param a={pow(2)}\n' },
  { name: 'parameter cycle', text: '.param a={b+1}\n.param b={2*a}\n' },
  { name: 'division by zero', text: '.param n=0 a={1/n}\n' },
  { name: 'capital M is milli on a resistance', text: `${MODEL}.array xb rows=4 cols=4 model=r1 rwire=1M\n` },
  { name: 'capital M makes a count fractional', text: `${MODEL}.array xb rows=1M cols=4 model=r1\n` },
  { name: 'unknown device type lists registered ones', text: '.model r1 rram3 (gmax=1u)\n' },
  { name: 'unknown model parameter', text: '.model r1 gaussian (gmx=1u)\n' },
  { name: 'model parameter out of range names range and unit', text: '.model r1 gaussian (gmax=2)\n' },
  { name: 'device refuses gmin above gmax', text: '.model r1 gaussian (gmin=200u gmax=100u)\n' },
  { name: 'unknown preset', text: '.model r1 gaussian preset=mem_se\n' },
  { name: 'array without cols', text: `${MODEL}.array xb rows=64 model=r1\n` },
  { name: 'array names an unknown model', text: `${MODEL}.array xb rows=4 cols=4 model=r2\n` },
  { name: 'array too large', text: `${MODEL}.array xb rows=65536 cols=65536 model=r1\n` },
  { name: 'misspelled array option', text: `${MODEL}.array xb rows=4 cols=4 model=r1 adc_bit=8\n` },
  { name: 'misspelled enumeration value', text: `${MODEL}.array xb rows=4 cols=4 model=r1 mapping=diferential\n` },
  { name: 'ragged matrix', text: '.weights W [[1 2 3]\n+ [4 5]]\n' },
  { name: 'missing include file', text: '.include "models.inc"\n' },
  {
    name: 'include cycle',
    text: '.include "a.inc"\n',
    files: { 'a.inc': '.include "b.inc"\n', 'b.inc': '.param x=1\n.include "a.inc"\n' },
  },
  { name: 'include outside the netlist folder', text: '.include "../secret.inc"\n' },
  { name: 'absolute include path', text: '.include /etc/passwd\n' },
  { name: 'model defined twice', text: `${MODEL}.model R1 ideal\n` },
  { name: 'layer outside a network', text: `${DATA}.layer fc1 weights=W array=xb\n` },
  { name: 'network not closed', text: `${DATA}.network mlp\n.layer fc1 weights=W array=xb\n` },
  {
    name: 'layer shapes do not chain',
    text: `${DATA}.weights W2 [[1 2 3]]\n.network mlp\n.layer fc1 weights=W array=xb\n.layer fc2 weights=W2 array=xb\n.endnetwork\n`,
  },
  { name: 'inputs do not match the weights', text: `${ARRAY}.weights W [[1 2] [3 4] [5 6]]\n.inputs X [[1 0] [0 1]]\n.mvm array=xb weights=W inputs=X\n` },
  { name: 'analysis without a workload', text: `${DATA}.mvm inputs=X mode=noisy\n` },
  { name: 'weights without array', text: `${DATA}.mvm weights=W inputs=X\n` },
  { name: 'inputs name a weights matrix', text: `${DATA}.mvm array=xb weights=W inputs=W\n` },
  { name: 'step over an unknown parameter with a bad scale', text: '.param gmax=1u\n.step gmx linear 1u 10u 1u\n' },
  { name: 'step with too many points', text: '.param g=1\n.step g lin 0 1 1n\n' },
  { name: 'plugin card refused', text: '.plugin "./evil.js"\n' },
  { name: 'SPICE analysis card', text: '.tran 1n 10n\n' },
  { name: 'text after .end', text: '.param a=1\n.end\n.param b=2\n' },
  { name: 'unexpected character', text: '.param a=1 # b=2\n' },
  { name: 'Monte-Carlo runs over the limit', text: `${DATA}.mc array=xb weights=W inputs=X runs=1e9\n` },
  { name: 'accuracy metric without labels', text: `${DATA}.mc array=xb weights=W inputs=X metric=accuracy\n` },
  { name: 'npy file not found', text: '.weights W npy="w1.npy"\n' },
  { name: 'unquoted data path', text: '.weights W npy=w1\n' },
  {
    name: 'error inside an included file keeps its name and line',
    text: '* main\n.include "models/lib.inc"\n',
    files: { 'models/lib.inc': '* library\n.model r1 gaussian (gmax=100u\n+ sigma_prog=-1u)\n' },
  },
  { name: 'several errors reported in one pass', text: '.param a={1+}\n.model r1 nosuch\n.array xb rows=0 cols=4 model=r1\n.mvm\n' },
  { name: 'continuation keeps line numbers', text: '.model r1 gaussian (gmax=100u\n+ levels=16\n+ sigma_read=0.5u rel_prog=20)\n' },
  { name: 'option has no effect', text: `${MODEL}.array xb rows=4 cols=4 model=r1 states=8 adc_fullscale=1m\n` },
  { name: 'mode=ir on an array without wires', text: `${DATA}.mvm array=xb weights=W inputs=X mode=ir\n` },
  { name: 'parameter redefined', text: '.param a=1\n.param a=2\n' },
  { name: 'gmax override on an array is checked against the model range', text: `${MODEL}.array xb rows=4 cols=4 model=r1 gmax=5\n` },
  { name: 'labels must be class indices', text: '.labels Y [0 1 2.5]\n' },
];

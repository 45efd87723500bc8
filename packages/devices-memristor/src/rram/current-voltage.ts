/**
 * Nonlinear current-voltage characteristics of RRAM cells, all reducing to I = G V at low bias:
 * - polynomial: I = G (V + a2 V^2 + a3 V^3) (a cubic with a3 < 0 is the generic saturating form;
 *   the quadratic term models the asymmetry of measured cells, e.g. Milo et al.'s fits);
 * - sinh: I = G v0 sinh(V / v0), the tunnelling/hopping form of filamentary cells.
 */
import type { Amperes, ParamValues, Siemens, Volts } from '@xbar/core';

/** The cell current function of the parameters, or undefined for ohmic cells. */
export function rramCurrentFunction(params: ParamValues): ((conductance: Siemens, voltage: Volts) => Amperes) | undefined {
  const { iv_a2: a2, iv_a3: a3, iv_v0: v0 } = params;
  if (v0 > 0) return (conductance, voltage) => conductance * v0 * Math.sinh(voltage / v0);
  if (a2 !== 0 || a3 !== 0) return (conductance, voltage) => conductance * voltage * (1 + voltage * (a2 + a3 * voltage));
  return undefined;
}

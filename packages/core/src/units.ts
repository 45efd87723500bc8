/**
 * Physical units used across xbar. They are plain `number`s at run time; the aliases document, in
 * every signature, which unit a value is in. All values are SI: siemens, ohms, volts, amperes,
 * seconds, watts. (No microsiemens anywhere in the API: a model that thinks in uS converts.)
 */

/** Conductance in siemens (S). */
export type Siemens = number;
/** Resistance in ohms. */
export type Ohms = number;
/** Voltage in volts (V). */
export type Volts = number;
/** Current in amperes (A). */
export type Amperes = number;
/** Time in seconds (s). */
export type Seconds = number;
/** Power in watts (W). */
export type Watts = number;

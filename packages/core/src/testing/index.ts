export * from './conformance.js';
export * from './statistics.js';

/**
 * @xbar/session: what it takes to run a netlist, without the CLI. Data files (.npy, IDX, ONNX),
 * checking a netlist with the ONNX models it imports, building its workloads (netlist -> Network ->
 * HardwareNetwork, with the one ADC/DAC calibration policy), the analysis cards' runners (one module
 * per card kind, in one table), the MSE report and the results as plain tables.
 *
 * The whole run of a netlist is `runNetlist`; the rest is what front ends (the CLI's worker
 * threads, checkpoints and commands) build on. Internal helpers are not exported.
 */

// errors, progress, the device registry
export { ExitCode, type ExitCodeValue, XbarError, usageError, runtimeError } from './errors.js';
export { type ProgressReporter, silentProgress } from './progress.js';
export { loadDefaultRegistry } from './registry.js';

// data files
export { readBytes, readNpyFile, shapeText, readModelInputs, loadOnnxModel } from './data/files.js';
export { MAX_IDX_BYTES, gunzipIdx } from './data/idx-gzip.js';
export { loadTensorSource, loadLabels } from './data/tensor-source.js';

// parse and check: the netlist with the ONNX models it imports
export { type SessionIo, type LoadNetlistOptions, checkNetlistWithModels, loadNetlist, netlistError } from './netlist/load.js';
export { OnnxNetworkCache, type PlacedNode, type PlacedOnnxNetwork, placeOnnxNetwork, onnxNetworkDiagnostics } from './build/onnx-network.js';

// build: netlist -> Network -> HardwareNetwork
export { CALIBRATION_SAMPLES, calibrateOnInputs } from './build/calibration.js';
export { type DesignNetwork, type WeightLookup, designNetwork } from './build/design-network.js';
export { hardwareSpecFromDesign, type NodePlacement, nodePlacement, describePlacement } from './build/hardware-spec.js';
export { type NetlistNetwork, netlistNetwork } from './build/netlist-network.js';
export { type BuiltWorkload, type HardwareChanges, buildWorkload, describeWorkload } from './build/workload.js';
export { errorEstimateKey } from './build/workload-key.js';

// solve: one network on hardware, outside the analysis cards
export { type HardwareRun, type HardwareRunOptions, runOnHardware } from './run/hardware-inference.js';
export { type OnnxRuntimeRun, runIdealOnOnnxRuntime } from './run/onnxruntime-inference.js';

// analyse: the cards, their trials and results
export { RunContext, type FileCache, type RunFiles } from './run/context.js';
export { type CardRunner, type CardRunners } from './cards/card.js';
export { CARD_RUNNERS, cardRunner, describeAnalysis } from './cards/registry.js';
export { type MetricRequest, evaluateWorkload } from './run/evaluate.js';
export { type EvaluatedWorkload, type TrialPlan, trialPlan, requestTrials } from './run/trial-plan.js';
export { type TrialRange, splitTrials } from './run/ranges.js';
export { type TrialValues, evaluateTrialRange, mergeTrialValues } from './run/trial-values.js';
export { type RequestLocation, type TrialEvaluator, type PointResult, runPoint, assembleTables } from './run/run-point.js';
export { type StepPoint, stepPoints } from './run/sweep.js';
export { type RunLimits, DEFAULT_RUN_LIMITS, runWorkExcess } from './run/work-bound.js';
export { DAC_CLIPPING_WARNING_FRACTION, DAC_COLUMNS, type ResultMethod, dacNotes, analyticalOmissions, analysableHardware, diagonalModeOmissions, negativeReadWarnings } from './run/hardware-notes.js';
export { type Cell, type SubTable, type AnalysisRows, type ResultTable } from './run/results.js';
export { type MseEngine, type MseReportOptions, type MseNodeReport, type MseReport, inThreadMseEngine, monteCarloWithSources, mseReport, relativeError } from './analyse/mse-report.js';
export { sourceColumn, SOURCE_COLUMNS, parseErrorSources } from './analyse/mse-sources.js';

// a whole netlist
export { type NetlistSource, NetlistSession } from './run/netlist-session.js';
export { evaluateInThisThread, evaluateRangesHere, progressRanges } from './run/in-thread.js';
export { type RunNetlistOptions, runNetlist } from './run/run-netlist.js';
